//! HCL native syntax: the tree the evaluator reads, and the parser that builds it.
//!
//! `hcl::edit` keeps every byte of a file (whitespace and comments as decor) so that a file can
//! be written back, and parses about 30 MB a second; passgraph only reads, and parsing was a
//! quarter of a `.tf` run. [`parser`] is a hand-written recursive-descent parser of the same
//! grammar, several times faster, that builds this smaller tree: the structures, expressions and
//! templates with the spans the evaluator reports, no decor.
//!
//! The tree is `hcl::edit`'s, shape for shape (same names, same spans, same literal values,
//! heredoc dedent included), so that the evaluator means the same thing whichever parser read a
//! file. The parser takes only what it is sure of: on anything else (a syntax error, a
//! construct it does not know, non-ASCII identifiers, nesting past its limit) it gives up and the
//! file is parsed by `hcl::edit` and converted ([`convert`]), which also reports syntax errors
//! exactly as before. Tests parse every corpus file both ways and compare the trees.

mod convert;
mod parser;

use std::ops::Range;

pub(crate) use hcl::edit::expr::{BinaryOperator, UnaryOperator};

/// Something with a span in the text it was parsed from.
pub(crate) trait Span {
    fn span(&self) -> Option<Range<usize>>;
}

/// A value and its span.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Range<usize>,
}

impl<T> Spanned<T> {
    pub(crate) fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }

    pub(crate) fn value(&self) -> &T {
        &self.value
    }

    pub(crate) fn value_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T> Span for Spanned<T> {
    fn span(&self) -> Option<Range<usize>> {
        Some(self.span.clone())
    }
}

impl Spanned<Ident> {
    pub(crate) fn as_str(&self) -> &str {
        self.value.as_str()
    }
}

/// An identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ident(pub(crate) String);

impl Ident {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// A file's or a block's body: attributes and blocks in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Body {
    pub(crate) structures: Vec<Structure>,
}

impl Body {
    pub(crate) fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.structures.iter().filter_map(|s| match s {
            Structure::Attribute(a) => Some(a),
            Structure::Block(_) => None,
        })
    }

    pub(crate) fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.structures.iter().filter_map(|s| match s {
            Structure::Block(b) => Some(b),
            Structure::Attribute(_) => None,
        })
    }

    pub(crate) fn get_attribute(&self, key: &str) -> Option<&Attribute> {
        self.attributes().find(|a| a.key.as_str() == key)
    }

    pub(crate) fn get_blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> {
        self.blocks().filter(move |b| b.ident.as_str() == ident)
    }
}

impl IntoIterator for Body {
    type Item = Structure;
    type IntoIter = std::vec::IntoIter<Structure>;

    fn into_iter(self) -> Self::IntoIter {
        self.structures.into_iter()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Structure {
    Attribute(Attribute),
    Block(Block),
}

/// `key = value`; the span runs from the key to the end of the value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Attribute {
    pub(crate) key: Ident,
    pub(crate) value: Expression,
    pub(crate) span: Range<usize>,
}

impl Span for Attribute {
    fn span(&self) -> Option<Range<usize>> {
        Some(self.span.clone())
    }
}

/// `ident "label" label { body }`; the span runs from the identifier to the closing brace.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Block {
    pub(crate) ident: Ident,
    pub(crate) labels: Vec<BlockLabel>,
    pub(crate) body: Body,
    pub(crate) span: Range<usize>,
}

impl Span for Block {
    fn span(&self) -> Option<Range<usize>> {
        Some(self.span.clone())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum BlockLabel {
    String(String),
    Ident(Ident),
}

impl BlockLabel {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            BlockLabel::String(s) => s,
            BlockLabel::Ident(i) => i.as_str(),
        }
    }
}

/// An expression. Every variant knows its span: the text of the expression, without the
/// whitespace around it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expression {
    Null(Spanned<()>),
    Bool(Spanned<bool>),
    Number(Spanned<f64>),
    /// A quoted string without interpolations or directives; the span covers the quotes.
    String(Spanned<String>),
    Array(Box<Array>),
    Object(Box<Object>),
    StringTemplate(Box<StringTemplate>),
    HeredocTemplate(Box<HeredocTemplate>),
    Parenthesis(Box<Parenthesis>),
    Variable(Spanned<Ident>),
    Conditional(Box<Conditional>),
    FuncCall(Box<FuncCall>),
    Traversal(Box<Traversal>),
    UnaryOp(Box<UnaryOp>),
    BinaryOp(Box<BinaryOp>),
    ForExpr(Box<ForExpr>),
}

impl Expression {
    /// The value of a quoted string without interpolations.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Expression::String(s) => Some(s.value()),
            _ => None,
        }
    }

    fn range(&self) -> &Range<usize> {
        match self {
            Expression::Null(s) => &s.span,
            Expression::Bool(s) => &s.span,
            Expression::Number(s) => &s.span,
            Expression::String(s) => &s.span,
            Expression::Variable(s) => &s.span,
            Expression::Array(x) => &x.span,
            Expression::Object(x) => &x.span,
            Expression::StringTemplate(x) => &x.span,
            Expression::HeredocTemplate(x) => &x.span,
            Expression::Parenthesis(x) => &x.span,
            Expression::Conditional(x) => &x.span,
            Expression::FuncCall(x) => &x.span,
            Expression::Traversal(x) => &x.span,
            Expression::UnaryOp(x) => &x.span,
            Expression::BinaryOp(x) => &x.span,
            Expression::ForExpr(x) => &x.span,
        }
    }
}

impl Span for Expression {
    fn span(&self) -> Option<Range<usize>> {
        Some(self.range().clone())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Array {
    pub(crate) items: Vec<Expression>,
    pub(crate) span: Range<usize>,
}

impl Array {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Expression> {
        self.items.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn get(&self, i: usize) -> Option<&Expression> {
        self.items.get(i)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Object {
    pub(crate) items: Vec<(ObjectKey, ObjectValue)>,
    pub(crate) span: Range<usize>,
}

impl Object {
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &ObjectValue)> {
        self.items.iter().map(|(k, v)| (k, v))
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

/// An object key: an identifier (`a = 1`) or any other expression (`"a" = 1`, `(var.k) = 1`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ObjectKey {
    Ident(Spanned<Ident>),
    Expression(Expression),
}

impl Span for ObjectKey {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            ObjectKey::Ident(i) => i.span(),
            ObjectKey::Expression(e) => e.span(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ObjectValue(pub(crate) Expression);

impl ObjectValue {
    pub(crate) fn expr(&self) -> &Expression {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Parenthesis {
    pub(crate) inner: Expression,
    pub(crate) span: Range<usize>,
}

impl Parenthesis {
    pub(crate) fn inner(&self) -> &Expression {
        &self.inner
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Conditional {
    pub(crate) cond_expr: Expression,
    pub(crate) true_expr: Expression,
    pub(crate) false_expr: Expression,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FuncCall {
    pub(crate) name: FuncName,
    pub(crate) args: FuncArgs,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FuncName {
    pub(crate) namespace: Vec<Ident>,
    pub(crate) name: Ident,
}

impl FuncName {
    pub(crate) fn is_namespaced(&self) -> bool {
        !self.namespace.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct FuncArgs {
    pub(crate) args: Vec<Expression>,
    /// The last argument is expanded (`f(a, b...)`).
    pub(crate) expand_final: bool,
}

impl FuncArgs {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Expression> {
        self.args.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.args.len()
    }

    pub(crate) fn expand_final(&self) -> bool {
        self.expand_final
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Traversal {
    pub(crate) expr: Expression,
    pub(crate) operators: Vec<TraversalOperator>,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TraversalOperator {
    /// `.*`
    AttrSplat,
    /// `[*]`
    FullSplat,
    GetAttr(Ident),
    Index(Expression),
    /// `.0`
    LegacyIndex(u64),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UnaryOp {
    pub(crate) operator: UnaryOperator,
    pub(crate) expr: Expression,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct BinaryOp {
    pub(crate) lhs_expr: Expression,
    pub(crate) operator: BinaryOperator,
    pub(crate) rhs_expr: Expression,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ForExpr {
    pub(crate) intro: ForIntro,
    pub(crate) key_expr: Option<Expression>,
    pub(crate) value_expr: Expression,
    pub(crate) grouping: bool,
    pub(crate) cond: Option<ForCond>,
    pub(crate) span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ForIntro {
    pub(crate) key_var: Option<Ident>,
    pub(crate) value_var: Ident,
    pub(crate) collection_expr: Expression,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ForCond {
    pub(crate) expr: Expression,
}

/// A template's elements.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Template {
    pub(crate) elements: Vec<Element>,
}

impl Template {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Element> {
        self.elements.iter()
    }

    pub(crate) fn len(&self) -> usize {
        self.elements.len()
    }

    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut Element> {
        self.elements.get_mut(i)
    }
}

/// A quoted string with interpolations or directives; the span covers the quotes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StringTemplate {
    pub(crate) template: Template,
    pub(crate) span: Range<usize>,
}

impl StringTemplate {
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Element> {
        self.template.iter()
    }
}

/// `<<EOT ... EOT` or `<<-EOT ... EOT`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct HeredocTemplate {
    pub(crate) template: Template,
    /// For `<<-`: the indentation removed from every line, when some was.
    pub(crate) indent: Option<usize>,
    pub(crate) span: Range<usize>,
}

impl HeredocTemplate {
    pub(crate) fn indent(&self) -> Option<usize> {
        self.indent
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Element {
    /// Literal text, escapes resolved; the span is the text as written.
    Literal(Spanned<String>),
    Interpolation(Interpolation),
    Directive(Box<Directive>),
}

impl Element {
    pub(crate) fn as_literal(&self) -> Option<&Spanned<String>> {
        match self {
            Element::Literal(l) => Some(l),
            _ => None,
        }
    }
}

/// `~` markers: `${~` strips the whitespace before, `~}` the whitespace after.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Strip {
    pub(crate) start: bool,
    pub(crate) end: bool,
}

impl Strip {
    pub(crate) fn strip_start(self) -> bool {
        self.start
    }

    pub(crate) fn strip_end(self) -> bool {
        self.end
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Interpolation {
    pub(crate) expr: Expression,
    pub(crate) strip: Strip,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Directive {
    If(IfDirective),
    For(ForDirective),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IfDirective {
    pub(crate) if_expr: IfTemplateExpr,
    pub(crate) else_expr: Option<ElseTemplateExpr>,
    pub(crate) endif_expr: EndTemplateExpr,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IfTemplateExpr {
    pub(crate) cond_expr: Expression,
    pub(crate) template: Template,
    pub(crate) strip: Strip,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ElseTemplateExpr {
    pub(crate) template: Template,
    pub(crate) strip: Strip,
}

/// `%{ endif }` or `%{ endfor }`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EndTemplateExpr {
    pub(crate) strip: Strip,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ForDirective {
    pub(crate) for_expr: ForTemplateExpr,
    pub(crate) endfor_expr: EndTemplateExpr,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ForTemplateExpr {
    pub(crate) key_var: Option<Ident>,
    pub(crate) value_var: Ident,
    pub(crate) collection_expr: Expression,
    pub(crate) template: Template,
    pub(crate) strip: Strip,
}

/// A parse error: `hcl::edit`'s, with its message and offset.
pub(crate) type Error = hcl::edit::parser::Error;

/// Parses a `.tf` file's text: a large one in pieces, one per core, cut where `crate::parse`
/// cuts (after a line that is exactly `}`, before a block). The answer is the whole file's: each
/// piece is parsed where it lies in the text (spans are the file's), and when a piece does not
/// parse (the cut fell in a heredoc, a string or a comment) or two pieces define the same
/// attribute, the whole file is parsed at once.
pub(crate) fn parse_body(text: &str) -> Result<Body, Error> {
    if let Some(b) = crate::parse::bounds(text).and_then(|b| in_pieces(text, &b)) {
        return Ok(b);
    }
    match parser::body(text) {
        Some(b) => Ok(b),
        None => crate::parse::parse(text).map(|b| convert::body(&b)),
    }
}

/// The fast parse of `text` in the pieces between `bounds`; `None` when a piece leaves the
/// file to another parse.
fn in_pieces(text: &str, bounds: &[usize]) -> Option<Body> {
    use rayon::prelude::*;
    let pieces: Vec<Option<Body>> = bounds
        .par_windows(2)
        .map(|w| parser::body_between(text, w[0], w[1]))
        .collect();
    let pieces: Vec<Body> = pieces.into_iter().collect::<Option<_>>()?;
    let mut keys = passgraph_model::hash::HashSet::default();
    if !pieces
        .iter()
        .flat_map(Body::attributes)
        .all(|a| keys.insert(a.key.as_str()))
    {
        return None;
    }
    let mut structures = Vec::with_capacity(pieces.iter().map(|p| p.structures.len()).sum());
    for p in pieces {
        structures.extend(p.structures);
    }
    Some(Body { structures })
}

/// Parses one expression (a `-var` value, a variable's value in a `.tfvars` file).
pub(crate) fn parse_expr(text: &str) -> Result<Expression, Error> {
    match parser::expr(text) {
        Some(e) => Ok(e),
        None => hcl::edit::parser::parse_expr(text).map(|e| convert::expr(&e)),
    }
}

/// Parses a template (`templatefile`, a string of a JSON-syntax file).
pub(crate) fn parse_template(text: &str) -> Result<Template, Error> {
    match parser::template(text) {
        Some(t) => Ok(t),
        None => hcl::edit::parser::parse_template(text).map(|t| convert::template(&t)),
    }
}

/// Where the fast parser and `hcl::edit` disagree on `text`: the fast parser read it and
/// `hcl::edit` gave another tree or an error. `None` when they agree or the fast parser left the
/// text to `hcl::edit`. For the differential fuzz target and the tests.
#[doc(hidden)]
#[must_use]
pub fn parser_disagreement(text: &str) -> Option<String> {
    let fast = parser::body(text)?;
    match hcl::edit::parser::parse_body(text) {
        Ok(b) => {
            let slow = convert::body(&b);
            (fast != slow).then(|| format!("fast: {fast:#?}\nhcl::edit: {slow:#?}"))
        }
        Err(e) => Some(format!("hcl::edit rejects it ({e}); fast: {fast:#?}")),
    }
}

#[cfg(test)]
pub(crate) mod tests;
