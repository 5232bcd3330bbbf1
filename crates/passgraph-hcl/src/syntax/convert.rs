//! `hcl::edit`'s tree → passgraph's: for the files the fast parser leaves to `hcl::edit`, and for
//! the tests that compare the two parsers.

use hcl::edit::expr as he;
use hcl::edit::structure as hs;
use hcl::edit::template as ht;

use super::{
    Array, Attribute, BinaryOp, Block, BlockLabel, Body, Conditional, Directive, Element,
    ElseTemplateExpr, EndTemplateExpr, Expression, ForCond, ForDirective, ForExpr, ForIntro,
    ForTemplateExpr, FuncArgs, FuncCall, FuncName, HeredocTemplate, Ident, IfDirective,
    IfTemplateExpr, Interpolation, Object, ObjectKey, ObjectValue, Parenthesis, Spanned,
    StringTemplate, Strip, Structure, Template, Traversal, TraversalOperator, UnaryOp,
};

fn span(s: &impl hcl::edit::Span) -> std::ops::Range<usize> {
    s.span().unwrap_or(0..0)
}

fn ident(i: &hcl::edit::Ident) -> Ident {
    Ident(i.as_str().to_owned())
}

pub(super) fn body(b: &hs::Body) -> Body {
    Body {
        structures: b
            .iter()
            .map(|s| match s {
                hs::Structure::Attribute(a) => Structure::Attribute(Attribute {
                    key: ident(&a.key),
                    value: expr(&a.value),
                    span: span(a),
                }),
                hs::Structure::Block(bl) => Structure::Block(Block {
                    ident: ident(&bl.ident),
                    labels: bl
                        .labels
                        .iter()
                        .map(|l| match l {
                            hs::BlockLabel::String(s) => BlockLabel::String(s.value().clone()),
                            hs::BlockLabel::Ident(i) => BlockLabel::Ident(ident(i)),
                        })
                        .collect(),
                    body: body(&bl.body),
                    span: span(bl),
                }),
            })
            .collect(),
    }
}

pub(super) fn expr(e: &he::Expression) -> Expression {
    let sp = span(e);
    match e {
        he::Expression::Null(_) => Expression::Null(Spanned::new((), sp)),
        he::Expression::Bool(b) => Expression::Bool(Spanned::new(*b.value(), sp)),
        he::Expression::Number(n) => {
            Expression::Number(Spanned::new(n.value().as_f64().unwrap_or(0.0), sp))
        }
        he::Expression::String(s) => Expression::String(Spanned::new(s.value().clone(), sp)),
        he::Expression::Array(a) => Expression::Array(Box::new(Array {
            items: a.iter().map(expr).collect(),
            span: sp,
        })),
        he::Expression::Object(o) => Expression::Object(Box::new(Object {
            items: o
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        he::ObjectKey::Ident(i) => {
                            ObjectKey::Ident(Spanned::new(ident(i), span(k)))
                        }
                        he::ObjectKey::Expression(x) => ObjectKey::Expression(expr(x)),
                    };
                    (key, ObjectValue(expr(v.expr())))
                })
                .collect(),
            span: sp,
        })),
        he::Expression::StringTemplate(t) => Expression::StringTemplate(Box::new(StringTemplate {
            template: elements(t.iter()),
            span: sp,
        })),
        he::Expression::HeredocTemplate(h) => {
            Expression::HeredocTemplate(Box::new(HeredocTemplate {
                template: template(&h.template),
                indent: h.indent(),
                span: sp,
            }))
        }
        he::Expression::Parenthesis(p) => Expression::Parenthesis(Box::new(Parenthesis {
            inner: expr(p.inner()),
            span: sp,
        })),
        he::Expression::Variable(v) => Expression::Variable(Spanned::new(ident(v), sp)),
        he::Expression::Conditional(c) => Expression::Conditional(Box::new(Conditional {
            cond_expr: expr(&c.cond_expr),
            true_expr: expr(&c.true_expr),
            false_expr: expr(&c.false_expr),
            span: sp,
        })),
        he::Expression::FuncCall(f) => Expression::FuncCall(Box::new(FuncCall {
            name: FuncName {
                namespace: f.name.namespace.iter().map(|i| ident(i)).collect(),
                name: ident(&f.name.name),
            },
            args: FuncArgs {
                args: f.args.iter().map(expr).collect(),
                expand_final: f.args.expand_final(),
            },
            span: sp,
        })),
        he::Expression::Traversal(t) => Expression::Traversal(Box::new(Traversal {
            expr: expr(&t.expr),
            operators: t
                .operators
                .iter()
                .map(|op| match op.value() {
                    he::TraversalOperator::AttrSplat(_) => TraversalOperator::AttrSplat,
                    he::TraversalOperator::FullSplat(_) => TraversalOperator::FullSplat,
                    he::TraversalOperator::GetAttr(i) => TraversalOperator::GetAttr(ident(i)),
                    he::TraversalOperator::Index(x) => TraversalOperator::Index(expr(x)),
                    he::TraversalOperator::LegacyIndex(n) => {
                        TraversalOperator::LegacyIndex(*n.value())
                    }
                })
                .collect(),
            span: sp,
        })),
        he::Expression::UnaryOp(u) => Expression::UnaryOp(Box::new(UnaryOp {
            operator: *u.operator.value(),
            expr: expr(&u.expr),
            span: sp,
        })),
        he::Expression::BinaryOp(b) => Expression::BinaryOp(Box::new(BinaryOp {
            lhs_expr: expr(&b.lhs_expr),
            operator: *b.operator.value(),
            rhs_expr: expr(&b.rhs_expr),
            span: sp,
        })),
        he::Expression::ForExpr(f) => Expression::ForExpr(Box::new(ForExpr {
            intro: ForIntro {
                key_var: f.intro.key_var.as_ref().map(|i| ident(i)),
                value_var: ident(&f.intro.value_var),
                collection_expr: expr(&f.intro.collection_expr),
            },
            key_expr: f.key_expr.as_ref().map(expr),
            value_expr: expr(&f.value_expr),
            grouping: f.grouping,
            cond: f.cond.as_ref().map(|c| ForCond {
                expr: expr(&c.expr),
            }),
            span: sp,
        })),
    }
}

pub(super) fn template(t: &ht::Template) -> Template {
    elements(t.iter())
}

fn strip(s: ht::Strip) -> Strip {
    Strip {
        start: s.strip_start(),
        end: s.strip_end(),
    }
}

fn elements<'a>(els: impl Iterator<Item = &'a ht::Element>) -> Template {
    Template {
        elements: els
            .map(|el| match el {
                ht::Element::Literal(l) => {
                    Element::Literal(Spanned::new(l.value().clone(), span(l)))
                }
                ht::Element::Interpolation(i) => Element::Interpolation(Interpolation {
                    expr: expr(&i.expr),
                    strip: strip(i.strip),
                }),
                ht::Element::Directive(d) => Element::Directive(Box::new(match d.as_ref() {
                    ht::Directive::If(d) => Directive::If(IfDirective {
                        if_expr: IfTemplateExpr {
                            cond_expr: expr(&d.if_expr.cond_expr),
                            template: template(&d.if_expr.template),
                            strip: strip(d.if_expr.strip),
                        },
                        else_expr: d.else_expr.as_ref().map(|e| ElseTemplateExpr {
                            template: template(&e.template),
                            strip: strip(e.strip),
                        }),
                        endif_expr: EndTemplateExpr {
                            strip: strip(d.endif_expr.strip),
                        },
                    }),
                    ht::Directive::For(d) => Directive::For(ForDirective {
                        for_expr: ForTemplateExpr {
                            key_var: d.for_expr.key_var.as_ref().map(|i| ident(i)),
                            value_var: ident(&d.for_expr.value_var),
                            collection_expr: expr(&d.for_expr.collection_expr),
                            template: template(&d.for_expr.template),
                            strip: strip(d.for_expr.strip),
                        },
                        endfor_expr: EndTemplateExpr {
                            strip: strip(d.endfor_expr.strip),
                        },
                    }),
                })),
            })
            .collect(),
    }
}
