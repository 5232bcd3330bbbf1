//! The fast parser: `hcl::edit` 0.10's grammar, decision for decision, by recursive descent over
//! bytes. Every function returns `Err(Bail)` where `hcl::edit` would report an error, and also
//! wherever this parser is not sure to build the same tree (non-ASCII identifiers, nesting or
//! operator chains near `hcl::edit`'s limits, an empty heredoc): the caller then parses the file
//! with `hcl::edit`. Comments name the `hcl::edit` rule each function follows.

use std::ops::Range;

use super::{
    Array, Attribute, BinaryOp, BinaryOperator, Block, BlockLabel, Body, Conditional, Directive,
    Element, ElseTemplateExpr, EndTemplateExpr, Expression, ForCond, ForDirective, ForExpr,
    ForIntro, ForTemplateExpr, FuncArgs, FuncCall, FuncName, HeredocTemplate, Ident, IfDirective,
    IfTemplateExpr, Interpolation, Object, ObjectKey, ObjectValue, Parenthesis, Spanned,
    StringTemplate, Strip, Structure, Template, Traversal, TraversalOperator, UnaryOp,
    UnaryOperator,
};
use passgraph_model::hash::HashSet;

/// Below `hcl::edit`'s nesting limit (64), so that every tree this parser builds is one that
/// `hcl::edit` builds too.
const MAX_DEPTH: usize = 56;

/// Below `hcl::edit`'s limit on binary operators (128) along a path of the tree: a chain's
/// operators on top of the deepest chain among its operands, through brackets, arguments and
/// interpolations.
const MAX_OPERATORS: usize = 100;

/// This parser gives up; `hcl::edit` decides.
#[derive(Debug)]
pub(super) struct Bail;

type P<T> = Result<T, Bail>;

pub(super) fn body(text: &str) -> Option<Body> {
    body_between(text, 0, text.len())
}

/// The body of `text[start..end]`, spans in `text`: the parser reads `text[..end]` from
/// `start`.
pub(super) fn body_between(text: &str, start: usize, end: usize) -> Option<Body> {
    let mut p = Parser::new(text.get(..end)?);
    p.pos = start;
    let body = p.body().ok()?;
    p.at_end().then_some(body)
}

pub(super) fn expr(text: &str) -> Option<Expression> {
    let mut p = Parser::new(text);
    let e = p.root_expr().ok()?;
    p.at_end().then_some(e)
}

pub(super) fn template(text: &str) -> Option<super::Template> {
    let mut p = Parser::new(text);
    let t = p.elements(Lit::Inner).ok()?;
    p.at_end().then_some(t)
}

/// The state of one expression being parsed: whether newlines count as whitespace (inside
/// brackets, parentheses and function arguments).
#[derive(Clone, Copy)]
struct St {
    nl: bool,
}

/// Where a template literal ends.
#[derive(Clone, Copy)]
enum Lit<'d> {
    /// In a quoted string: at `"`, with backslash escapes.
    Quoted,
    /// In a directive's body or a template file: only at `${` and `%{`.
    Inner,
    /// In a heredoc: also at a line holding only the delimiter.
    Heredoc(&'d [u8]),
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
    /// The operator depth of the current scope (`hcl::edit`'s `operator_depth`): the deepest
    /// path of binary operators among what the scope parsed so far.
    ops: usize,
}

fn is_id_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_id_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser {
            s,
            b: s.as_bytes(),
            pos: 0,
            depth: 0,
            ops: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.pos == self.b.len()
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn starts(&self, t: &[u8]) -> bool {
        self.b[self.pos..].starts_with(t)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> P<()> {
        if self.eat(c) { Ok(()) } else { Err(Bail) }
    }

    fn expect_str(&mut self, t: &[u8]) -> P<()> {
        if self.starts(t) {
            self.pos += t.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// `nested`: one level deeper, within the limit, in an operator scope of its own; gives
    /// the enclosing scope's operator depth for [`Parser::leave`].
    fn enter(&mut self) -> P<usize> {
        if self.depth >= MAX_DEPTH {
            return Err(Bail);
        }
        self.depth += 1;
        Ok(self.scope())
    }

    fn leave(&mut self, outer: usize) {
        self.depth -= 1;
        self.unscope(outer);
    }

    /// `operator_scope`: operators start from zero inside; [`Parser::unscope`] passes the
    /// deepest path up.
    fn scope(&mut self) -> usize {
        std::mem::take(&mut self.ops)
    }

    fn unscope(&mut self, outer: usize) {
        self.ops = self.ops.max(outer);
    }

    // ---- trivia (`trivia.rs`) ----

    /// `till_line_ending`: to the next `\n` or `\r\n`.
    fn skip_line(&mut self) -> P<()> {
        while let Some(c) = self.peek() {
            match c {
                b'\n' => return Ok(()),
                b'\r' if self.peek_at(1) == Some(b'\n') => return Ok(()),
                b'\r' => return Err(Bail),
                _ => self.pos += 1,
            }
        }
        Ok(())
    }

    /// `/* ... */`, from its opening.
    fn block_comment(&mut self) -> P<()> {
        let rest = &self.s[self.pos + 2..];
        let end = rest.find("*/").ok_or(Bail)?;
        self.pos += 2 + end + 2;
        Ok(())
    }

    /// `ws`: spaces, tabs, newlines and comments.
    fn ws(&mut self) -> P<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'#') => self.skip_line()?,
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.skip_line()?,
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    /// `sp`: spaces, tabs and `/* */` comments.
    fn sp(&mut self) -> P<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    fn ws_or_sp(&mut self, st: St) -> P<()> {
        if st.nl { self.ws() } else { self.sp() }
    }

    /// `line_comment`: `#` or `//` to the end of the line.
    fn line_comment(&mut self) -> P<bool> {
        if self.peek() == Some(b'#') || self.starts(b"//") {
            self.skip_line()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// `line_ending`: `\n` or `\r\n`.
    fn line_ending(&mut self) -> bool {
        if self.eat(b'\n') {
            return true;
        }
        if self.starts(b"\r\n") {
            self.pos += 2;
            return true;
        }
        false
    }

    /// `str_ident`, ASCII only: an identifier that goes on with another character gives up.
    fn ident(&mut self) -> P<Ident> {
        let start = self.pos;
        match self.peek() {
            Some(c) if is_id_start(c) => self.pos += 1,
            _ => return Err(Bail),
        }
        while let Some(c) = self.peek() {
            if is_id_continue(c) {
                self.pos += 1;
            } else if c >= 0x80 {
                return Err(Bail);
            } else {
                break;
            }
        }
        Ok(Ident(self.s[start..self.pos].to_owned()))
    }

    // ---- structures (`structure.rs`) ----

    /// `body`: structures, each ended by a newline or the end of input, then whitespace.
    fn body(&mut self) -> P<Body> {
        let mut structures = Vec::new();
        let mut keys: HashSet<&'a str> = HashSet::default();
        loop {
            let save = self.pos;
            self.ws()?;
            match self.peek() {
                Some(c) if is_id_start(c) => {}
                Some(c) if c >= 0x80 => return Err(Bail),
                _ => {
                    self.pos = save;
                    break;
                }
            }
            structures.push(self.structure(&mut keys)?);
            self.sp()?;
            self.line_comment()?;
            if !self.line_ending() && !self.at_end() {
                return Err(Bail);
            }
        }
        self.ws()?;
        Ok(Body { structures })
    }

    fn structure(&mut self, keys: &mut HashSet<&'a str>) -> P<Structure> {
        let start = self.pos;
        let ident = self.ident()?;
        self.sp()?;
        match self.peek() {
            Some(b'=') => {
                let key: &'a str = &self.s[start..start + ident.0.len()];
                if !keys.insert(key) {
                    return Err(Bail);
                }
                let value = self.attribute_expr()?;
                Ok(Structure::Attribute(Attribute {
                    key: ident,
                    value,
                    span: start..self.pos,
                }))
            }
            Some(b'{') => {
                let body = self.block_body()?;
                Ok(Structure::Block(Block {
                    ident,
                    labels: Vec::new(),
                    body,
                    span: start..self.pos,
                }))
            }
            Some(c) if c == b'"' || is_id_start(c) => {
                let mut labels = Vec::new();
                loop {
                    match self.peek() {
                        Some(b'"') => {
                            let (_, value) = self.quoted_literal()?.ok_or(Bail)?;
                            labels.push(BlockLabel::String(value));
                        }
                        Some(c) if is_id_start(c) => labels.push(BlockLabel::Ident(self.ident()?)),
                        Some(c) if c >= 0x80 => return Err(Bail),
                        _ => break,
                    }
                    self.sp()?;
                }
                let body = self.block_body()?;
                Ok(Structure::Block(Block {
                    ident,
                    labels,
                    body,
                    span: start..self.pos,
                }))
            }
            _ => Err(Bail),
        }
    }

    /// `attribute_expr`: `=`, spaces, an expression.
    fn attribute_expr(&mut self) -> P<Expression> {
        self.expect(b'=')?;
        self.sp()?;
        self.root_expr()
    }

    /// `root_expr`: an expression in an operator scope of its own, newlines ending it.
    fn root_expr(&mut self) -> P<Expression> {
        let outer = self.scope();
        let e = self.expr_inner(&mut St { nl: false })?;
        self.unscope(outer);
        Ok(e)
    }

    /// `block_body`: `{`, then a newline and a body, or at most one attribute on the line, `}`.
    fn block_body(&mut self) -> P<Body> {
        self.expect(b'{')?;
        let outer = self.enter()?;
        let save = self.pos;
        self.sp()?;
        self.line_comment()?;
        let body = if self.line_ending() {
            self.body()?
        } else {
            self.pos = save;
            self.sp()?;
            let mut structures = Vec::new();
            if self.peek().is_some_and(is_id_start) {
                let start = self.pos;
                let key = self.ident()?;
                self.sp()?;
                let value = self.attribute_expr()?;
                structures.push(Structure::Attribute(Attribute {
                    key,
                    value,
                    span: start..self.pos,
                }));
                self.sp()?;
            } else if self.peek().is_some_and(|c| c >= 0x80) {
                return Err(Bail);
            }
            Body { structures }
        };
        self.expect(b'}')?;
        self.leave(outer);
        Ok(body)
    }

    // ---- expressions (`expr.rs`) ----

    /// `expr` (`nl` false) and `expr_with_state`/`multiline_expr`: a nested expression.
    fn nested_expr(&mut self, nl: bool) -> P<Expression> {
        let outer = self.enter()?;
        let e = self.expr_inner(&mut St { nl })?;
        self.leave(outer);
        Ok(e)
    }

    /// `expr_inner`: a term, then binary operators, then a conditional.
    fn expr_inner(&mut self, st: &mut St) -> P<Expression> {
        let start = self.pos;
        let mut e = self.expr_term(st)?;
        loop {
            let checkpoint = self.pos;
            self.ws_or_sp(*st)?;
            let Some(two) = self.b.get(self.pos..self.pos + 2) else {
                self.pos = checkpoint;
                return Ok(e);
            };
            if two[0] == b'?' {
                self.pos += 1;
                self.ws_or_sp(*st)?;
                let true_expr = self.nested_expr(st.nl)?;
                self.ws_or_sp(*st)?;
                self.expect(b':')?;
                self.ws_or_sp(*st)?;
                let false_expr = self.nested_expr(st.nl)?;
                return Ok(Expression::Conditional(Box::new(Conditional {
                    cond_expr: e,
                    true_expr,
                    false_expr,
                    span: start..self.pos,
                })));
            }
            let binary = !(two == b"//" || two == b"/*")
                && (two == b"=="
                    || matches!(
                        two[0],
                        b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|'
                    ));
            self.pos = checkpoint;
            if !binary {
                return Ok(e);
            }
            e = self.binary_ops(st, e, start)?;
        }
    }

    /// `binary_ops`: operators and terms while they follow, put together by precedence (left
    /// associative, as `hcl::edit`'s Pratt parser does).
    fn binary_ops(&mut self, st: &St, lhs: Expression, start: usize) -> P<Expression> {
        let mut ops: Vec<(BinaryOperator, Expression)> = Vec::new();
        loop {
            let checkpoint = self.pos;
            self.ws_or_sp(*st)?;
            let Some(op) = self.binary_operator() else {
                if ops.is_empty() {
                    return Err(Bail);
                }
                self.pos = checkpoint;
                break;
            };
            self.ws_or_sp(*st)?;
            // (Not a nested level in `hcl::edit`; counted here too, which only lowers the limit.
            // Operators inside the term reach this scope by the deepest path, as they do there.)
            let outer = self.enter()?;
            let term = self.expr_term(&mut { *st })?;
            self.leave(outer);
            ops.push((op, term));
            if self.ops + ops.len() > MAX_OPERATORS {
                return Err(Bail);
            }
        }
        self.ops += ops.len();
        // Shunting-yard: an operator waits while the next binds tighter.
        let mut out: Vec<Expression> = vec![lhs];
        let mut pending: Vec<BinaryOperator> = Vec::new();
        for (op, rhs) in ops {
            while let Some(&top) = pending.last() {
                if top.precedence() >= op.precedence() {
                    pending.pop();
                    reduce(&mut out, top);
                } else {
                    break;
                }
            }
            pending.push(op);
            out.push(rhs);
        }
        while let Some(top) = pending.pop() {
            reduce(&mut out, top);
        }
        let mut e = out.pop().ok_or(Bail)?;
        if let Expression::BinaryOp(b) = &mut e {
            b.span = start..self.pos;
        }
        Ok(e)
    }

    fn binary_operator(&mut self) -> Option<BinaryOperator> {
        let (op, len) = match (self.peek()?, self.peek_at(1)) {
            (b'=', Some(b'=')) => (BinaryOperator::Eq, 2),
            (b'!', Some(b'=')) => (BinaryOperator::NotEq, 2),
            (b'<', Some(b'=')) => (BinaryOperator::LessEq, 2),
            (b'<', _) => (BinaryOperator::Less, 1),
            (b'>', Some(b'=')) => (BinaryOperator::GreaterEq, 2),
            (b'>', _) => (BinaryOperator::Greater, 1),
            (b'+', _) => (BinaryOperator::Plus, 1),
            (b'-', _) => (BinaryOperator::Minus, 1),
            (b'*', _) => (BinaryOperator::Mul, 1),
            (b'/', Some(b'/' | b'*')) => return None,
            (b'/', _) => (BinaryOperator::Div, 1),
            (b'%', _) => (BinaryOperator::Mod, 1),
            (b'&', Some(b'&')) => (BinaryOperator::And, 2),
            (b'|', Some(b'|')) => (BinaryOperator::Or, 2),
            _ => return None,
        };
        self.pos += len;
        Some(op)
    }

    /// `expr_term_inner`: a term, then traversal operators.
    fn expr_term(&mut self, st: &mut St) -> P<Expression> {
        let start = self.pos;
        let e = match self.peek().ok_or(Bail)? {
            b'"' => self.stringlike()?,
            b'[' => self.array(st)?,
            b'{' => self.object(st)?,
            b'0'..=b'9' => self.number(false, start)?,
            b'<' => self.heredoc()?,
            b'-' => {
                let save = self.pos;
                self.pos += 1;
                self.sp()?;
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.number(true, start)?
                } else {
                    self.pos = save;
                    self.unary(st, UnaryOperator::Neg)?
                }
            }
            b'!' => self.unary(st, UnaryOperator::Not)?,
            b'(' => {
                self.pos += 1;
                self.ws()?;
                let inner = self.nested_expr(true)?;
                self.ws()?;
                self.expect(b')')?;
                Expression::Parenthesis(Box::new(Parenthesis {
                    inner,
                    span: start..self.pos,
                }))
            }
            c if is_id_start(c) => self.identlike(st)?,
            _ => return Err(Bail),
        };
        let checkpoint = self.pos;
        self.ws_or_sp(*st)?;
        match self.b.get(self.pos..self.pos + 2) {
            Some(two) if two != b".." && (two[0] == b'.' || two[0] == b'[') => {
                let operators = self.traversal(*st)?;
                Ok(Expression::Traversal(Box::new(Traversal {
                    expr: e,
                    operators,
                    span: start..self.pos,
                })))
            }
            _ => {
                self.pos = checkpoint;
                Ok(e)
            }
        }
    }

    /// `traversal`: one or more operators, each after optional whitespace.
    fn traversal(&mut self, st: St) -> P<Vec<TraversalOperator>> {
        let mut ops = Vec::new();
        loop {
            let checkpoint = self.pos;
            self.ws_or_sp(st)?;
            if self.starts(b"..") {
                self.pos = checkpoint;
                break;
            }
            let op = match self.peek() {
                Some(b'.') => {
                    self.pos += 1;
                    self.ws()?;
                    match self.peek().ok_or(Bail)? {
                        b'*' => {
                            self.pos += 1;
                            TraversalOperator::AttrSplat
                        }
                        b'0'..=b'9' => {
                            // `dec_uint`: `0`, or digits not starting with `0` (what follows
                            // `.0` is then left over, an error).
                            let start = self.pos;
                            if !self.eat(b'0') {
                                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                                    self.pos += 1;
                                }
                            }
                            let n = self.s[start..self.pos].parse::<u64>().map_err(|_| Bail)?;
                            TraversalOperator::LegacyIndex(n)
                        }
                        c if is_id_start(c) => TraversalOperator::GetAttr(self.ident()?),
                        _ => return Err(Bail),
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.ws()?;
                    let op = if self.eat(b'*') {
                        TraversalOperator::FullSplat
                    } else {
                        TraversalOperator::Index(self.nested_expr(true)?)
                    };
                    self.ws()?;
                    self.expect(b']')?;
                    op
                }
                _ => {
                    self.pos = checkpoint;
                    break;
                }
            };
            ops.push(op);
        }
        if ops.is_empty() {
            return Err(Bail);
        }
        Ok(ops)
    }

    /// `unary_op`: `-` or `!`, spaces, a term.
    fn unary(&mut self, st: &St, operator: UnaryOperator) -> P<Expression> {
        let start = self.pos;
        self.pos += 1;
        self.sp()?;
        let outer = self.enter()?;
        let expr = self.expr_term(&mut { *st })?;
        self.leave(outer);
        Ok(Expression::UnaryOp(Box::new(UnaryOp {
            operator,
            expr,
            span: start..self.pos,
        })))
    }

    /// `number` (after `-` and spaces when `neg`): an integer, or digits with a fraction and
    /// an exponent.
    fn number(&mut self, neg: bool, start: usize) -> P<Expression> {
        let digits = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let int_end = self.pos;
        let mut float = false;
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            float = true;
            self.pos += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                // `hcl::edit` cuts here: an exponent without digits is an error.
                self.pos = save;
                return Err(Bail);
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            float = true;
        }
        let text = &self.s[digits..self.pos];
        let value = if float {
            let f: f64 = text.parse().map_err(|_| Bail)?;
            if !f.is_finite() {
                return Err(Bail);
            }
            if neg { -f } else { f }
        } else {
            match self.s[digits..int_end].parse::<u64>() {
                // `hcl::edit` negates an integer as an integer: `-0` is 0.
                Ok(0) => 0.0,
                #[expect(clippy::cast_precision_loss, reason = "as hcl::edit's as_f64")]
                Ok(n) => {
                    if neg {
                        -(n as f64)
                    } else {
                        n as f64
                    }
                }
                Err(_) => return Err(Bail),
            }
        };
        Ok(Expression::Number(Spanned::new(value, start..self.pos)))
    }

    /// `identlike`: a function call, `null`, `true`, `false` or a variable.
    fn identlike(&mut self, st: &mut St) -> P<Expression> {
        let start = self.pos;
        let name = self.ident()?;
        let end = self.pos;
        let checkpoint = self.pos;
        self.ws_or_sp(*st)?;
        if self.starts(b"::") || self.peek() == Some(b'(') {
            let mut namespace = Vec::new();
            let mut name = name;
            while self.starts(b"::") {
                self.pos += 2;
                self.ws_or_sp(*st)?;
                let next = self.ident()?;
                self.ws_or_sp(*st)?;
                namespace.push(std::mem::replace(&mut name, next));
            }
            let args = self.func_args(st)?;
            return Ok(Expression::FuncCall(Box::new(FuncCall {
                name: FuncName { namespace, name },
                args,
                span: start..self.pos,
            })));
        }
        self.pos = checkpoint;
        let span = start..end;
        Ok(match name.as_str() {
            "null" => Expression::Null(Spanned::new((), span)),
            "true" => Expression::Bool(Spanned::new(true, span)),
            "false" => Expression::Bool(Spanned::new(false, span)),
            _ => Expression::Variable(Spanned::new(name, span)),
        })
    }

    /// `func_args`: `(`, arguments separated by commas, a trailing comma or `...`, `)`.
    fn func_args(&mut self, st: &mut St) -> P<FuncArgs> {
        st.nl = true;
        self.expect(b'(')?;
        let mut args = FuncArgs::default();
        let save = self.pos;
        self.ws()?;
        if matches!(self.peek(), None | Some(b',' | b'.' | b')')) {
            self.pos = save;
        } else {
            args.args.push(self.nested_expr(true)?);
            self.ws()?;
            while self.peek() == Some(b',') {
                let checkpoint = self.pos;
                self.pos += 1;
                self.ws()?;
                if matches!(self.peek(), None | Some(b',' | b'.' | b')')) {
                    self.pos = checkpoint;
                    break;
                }
                args.args.push(self.nested_expr(true)?);
                self.ws()?;
            }
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'.') => {
                    self.expect_str(b"...")?;
                    args.expand_final = true;
                }
                _ => {}
            }
        }
        self.ws()?;
        self.expect(b')')?;
        Ok(args)
    }

    /// `for_expr_or_items`: whether a `for` expression follows.
    fn for_ahead(&mut self) -> P<bool> {
        let save = self.pos;
        self.ws()?;
        let yes = self.starts(b"for")
            && matches!(self.peek_at(3), Some(b' ' | b'\t' | b'#' | b'/' | b'\n'));
        self.pos = save;
        Ok(yes)
    }

    /// `for_intro`: `for k, v in collection :`.
    fn for_intro(&mut self) -> P<ForIntro> {
        self.ws()?;
        self.expect_str(b"for")?;
        let intro = self.for_variables()?;
        self.expect(b':')?;
        Ok(intro)
    }

    /// What follows `for` in a `for` expression or directive: ` k, v in collection `.
    fn for_variables(&mut self) -> P<ForIntro> {
        self.ws()?;
        let first = self.ident()?;
        self.ws()?;
        let mut second = None;
        if self.eat(b',') {
            self.ws()?;
            second = Some(self.ident()?);
            self.ws()?;
        }
        self.expect_str(b"in")?;
        self.ws()?;
        let collection_expr = self.nested_expr(false)?;
        self.ws()?;
        let (key_var, value_var) = match second {
            Some(v) => (Some(first), v),
            None => (None, first),
        };
        Ok(ForIntro {
            key_var,
            value_var,
            collection_expr,
        })
    }

    /// `for_cond`: `if condition`, when it follows.
    fn for_cond(&mut self, st: St) -> P<Option<ForCond>> {
        let save = self.pos;
        self.ws()?;
        if !self.starts(b"if") {
            self.pos = save;
            return Ok(None);
        }
        self.pos += 2;
        self.ws()?;
        let expr = self.nested_expr(st.nl)?;
        self.ws()?;
        Ok(Some(ForCond { expr }))
    }

    /// `array`: `[` items or a `for` expression `]`.
    fn array(&mut self, st: &mut St) -> P<Expression> {
        let start = self.pos;
        st.nl = true;
        self.expect(b'[')?;
        if self.for_ahead()? {
            let intro = self.for_intro()?;
            self.ws()?;
            let value_expr = self.nested_expr(st.nl)?;
            self.ws()?;
            let cond = self.for_cond(*st)?;
            self.expect(b']')?;
            return Ok(Expression::ForExpr(Box::new(ForExpr {
                intro,
                key_expr: None,
                value_expr,
                grouping: false,
                cond,
                span: start..self.pos,
            })));
        }
        let mut items = Vec::new();
        let save = self.pos;
        self.ws()?;
        if matches!(self.peek(), None | Some(b']')) {
            self.pos = save;
        } else {
            items.push(self.nested_expr(true)?);
            self.ws()?;
            while self.peek() == Some(b',') {
                let checkpoint = self.pos;
                self.pos += 1;
                self.ws()?;
                if matches!(self.peek(), None | Some(b']')) {
                    self.pos = checkpoint;
                    break;
                }
                items.push(self.nested_expr(true)?);
                self.ws()?;
            }
        }
        self.eat(b',');
        self.ws()?;
        self.expect(b']')?;
        Ok(Expression::Array(Box::new(Array {
            items,
            span: start..self.pos,
        })))
    }

    /// `object`: `{` items or a `for` expression `}`.
    fn object(&mut self, st: &mut St) -> P<Expression> {
        let start = self.pos;
        self.expect(b'{')?;
        if self.for_ahead()? {
            st.nl = true;
            let intro = self.for_intro()?;
            self.ws()?;
            let key_expr = self.nested_expr(false)?;
            self.ws()?;
            self.expect_str(b"=>")?;
            self.ws()?;
            let value_expr = self.nested_expr(false)?;
            self.ws()?;
            let mut grouping = false;
            if self.starts(b"...") {
                self.pos += 3;
                self.ws()?;
                grouping = true;
            }
            let cond = self.for_cond(*st)?;
            self.expect(b'}')?;
            return Ok(Expression::ForExpr(Box::new(ForExpr {
                intro,
                key_expr: Some(key_expr),
                value_expr,
                grouping,
                cond,
                span: start..self.pos,
            })));
        }
        let mut items = Vec::new();
        let mut keys: HashSet<String> = HashSet::default();
        let mut computed_keys = 0;
        loop {
            self.ws()?;
            match self.peek() {
                None => return Err(Bail),
                Some(b'}') => break,
                Some(_) => {}
            }
            let key = self.nested_expr(false)?;
            // `hcl::edit` rejects a key equal to an earlier one: identifiers and strings compare
            // by value here; two keys of other kinds (numbers, expressions), which may be equal
            // though written differently (`01` and `1`), are left to `hcl::edit`.
            let seen = match &key {
                Expression::Variable(v) => format!("i{}", v.as_str()),
                Expression::String(s) => format!("s{}", s.value()),
                _ => {
                    computed_keys += 1;
                    if computed_keys > 1 {
                        return Err(Bail);
                    }
                    String::new()
                }
            };
            if !seen.is_empty() && !keys.insert(seen) {
                return Err(Bail);
            }
            let key = match key {
                Expression::Variable(v) => ObjectKey::Ident(v),
                other => ObjectKey::Expression(other),
            };
            self.sp()?;
            match self.peek() {
                Some(b'=' | b':') => self.pos += 1,
                _ => return Err(Bail),
            }
            self.sp()?;
            let value = self.nested_expr(false)?;
            self.sp()?;
            items.push((key, ObjectValue(value)));
            match self.peek() {
                Some(b'}') => break,
                Some(b'\n' | b',') => self.pos += 1,
                Some(b'\r') => self.expect_str(b"\r\n")?,
                Some(b'#' | b'/') => {
                    if !self.line_comment()? || !self.line_ending() {
                        return Err(Bail);
                    }
                }
                _ => return Err(Bail),
            }
        }
        self.expect(b'}')?;
        Ok(Expression::Object(Box::new(Object {
            items,
            span: start..self.pos,
        })))
    }

    // ---- strings and templates (`string.rs`, `template.rs`) ----

    /// A quoted string: `Some` of its span and value when it holds no interpolation or
    /// directive (`string`), `None` (and nothing consumed) otherwise.
    fn quoted_literal(&mut self) -> P<Option<(Range<usize>, String)>> {
        let start = self.pos;
        let t = self.quoted()?;
        if t.elements.iter().all(|e| matches!(e, Element::Literal(_))) {
            let mut value = String::new();
            for e in t.elements {
                if let Element::Literal(l) = e {
                    value.push_str(&l.value);
                }
            }
            return Ok(Some((start..self.pos, value)));
        }
        self.pos = start;
        Ok(None)
    }

    /// `"..."` as a template.
    fn quoted(&mut self) -> P<Template> {
        self.expect(b'"')?;
        let t = self.elements(Lit::Quoted)?;
        self.expect(b'"')?;
        Ok(t)
    }

    /// `stringlike`: a string, or a string template when it interpolates.
    fn stringlike(&mut self) -> P<Expression> {
        let start = self.pos;
        let template = self.quoted()?;
        let span = start..self.pos;
        if template
            .elements
            .iter()
            .all(|e| matches!(e, Element::Literal(_)))
        {
            let mut value = String::new();
            for e in template.elements {
                if let Element::Literal(l) = e {
                    value.push_str(&l.value);
                }
            }
            return Ok(Expression::String(Spanned::new(value, span)));
        }
        Ok(Expression::StringTemplate(Box::new(StringTemplate {
            template,
            span,
        })))
    }

    /// `elements`: literals, interpolations and `if`/`for` directives, while they follow.
    fn elements(&mut self, lit: Lit<'_>) -> P<Template> {
        let mut elements = Vec::new();
        loop {
            if let Some(l) = self.literal(lit)? {
                elements.push(Element::Literal(l));
                continue;
            }
            if self.starts(b"${") {
                elements.push(Element::Interpolation(self.interpolation()?));
                continue;
            }
            if self.starts(b"%{") {
                match self.directive()? {
                    Some(d) => {
                        elements.push(Element::Directive(Box::new(d)));
                        continue;
                    }
                    None => break,
                }
            }
            break;
        }
        Ok(Template { elements })
    }

    /// Whether a heredoc's end (`\n`, spaces, the delimiter, no identifier character) is here.
    fn heredoc_end_at(&self, at: usize, delim: &[u8]) -> P<bool> {
        let b = self.b;
        let mut i = match (b.get(at), b.get(at + 1)) {
            (Some(b'\n'), _) => at + 1,
            (Some(b'\r'), Some(b'\n')) => at + 2,
            _ => return Ok(false),
        };
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if !b[i..].starts_with(delim) {
            return Ok(false);
        }
        match b.get(i + delim.len()) {
            Some(&c) if c >= 0x80 => Err(Bail),
            Some(&c) => Ok(!is_id_continue(c)),
            None => Ok(true),
        }
    }

    /// `template_literal` or the quoted string's literal: text up to the next interpolation,
    /// directive or end, escapes resolved; `None` when there is none.
    fn literal(&mut self, lit: Lit<'_>) -> P<Option<Spanned<String>>> {
        let start = self.pos;
        let mut value = String::new();
        let mut run = self.pos;
        while let Some(c) = self.peek() {
            match c {
                b'$' | b'%' if self.peek_at(1) == Some(c) && self.peek_at(2) == Some(b'{') => {
                    value.push_str(&self.s[run..self.pos]);
                    value.push(c as char);
                    value.push('{');
                    self.pos += 3;
                    run = self.pos;
                }
                b'$' | b'%' if self.peek_at(1) == Some(b'{') => break,
                b'"' if matches!(lit, Lit::Quoted) => break,
                b'\\' if matches!(lit, Lit::Quoted) => {
                    value.push_str(&self.s[run..self.pos]);
                    value.push(self.escaped_char()?);
                    run = self.pos;
                }
                b'\n' | b'\r' => {
                    if let Lit::Heredoc(d) = lit
                        && self.heredoc_end_at(self.pos, d)?
                    {
                        break;
                    }
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        if self.pos == start {
            return Ok(None);
        }
        value.push_str(&self.s[run..self.pos]);
        Ok(Some(Spanned::new(value, start..self.pos)))
    }

    /// `escaped_char`: `\n`, `\r`, `\t`, `\\`, `\"`, `\uXXXX`, `\UXXXXXXXX`.
    fn escaped_char(&mut self) -> P<char> {
        self.expect(b'\\')?;
        let c = self.peek().ok_or(Bail)?;
        self.pos += 1;
        let n = match c {
            b'n' => return Ok('\n'),
            b'r' => return Ok('\r'),
            b't' => return Ok('\t'),
            b'\\' => return Ok('\\'),
            b'"' => return Ok('"'),
            b'u' => 4,
            b'U' => 8,
            _ => return Err(Bail),
        };
        let hex = self.b.get(self.pos..self.pos + n).ok_or(Bail)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return Err(Bail);
        }
        let v = u32::from_str_radix(&self.s[self.pos..self.pos + n], 16).map_err(|_| Bail)?;
        self.pos += n;
        char::from_u32(v).ok_or(Bail)
    }

    /// `${~ expr ~}`.
    fn interpolation(&mut self) -> P<Interpolation> {
        self.expect_str(b"${")?;
        let start = self.eat(b'~');
        self.ws()?;
        let expr = self.nested_expr(true)?;
        self.ws()?;
        let end = self.eat(b'~');
        self.expect(b'}')?;
        Ok(Interpolation {
            expr,
            strip: Strip { start, end },
        })
    }

    /// `%{ if ... }` or `%{ for ... }` with what follows up to its end; `None` (and nothing
    /// consumed) for another directive (`else`, `endif`, `endfor`), which ends a template.
    fn directive(&mut self) -> P<Option<Directive>> {
        let save = self.pos;
        self.expect_str(b"%{")?;
        let strip_start = self.eat(b'~');
        self.ws()?;
        if self.starts(b"if") {
            self.pos += 2;
            self.ws()?;
            let cond_expr = self.nested_expr(false)?;
            self.ws()?;
            let strip = Strip {
                start: strip_start,
                end: self.eat(b'~'),
            };
            self.expect(b'}')?;
            let template = self.nested_template()?;
            let if_expr = IfTemplateExpr {
                cond_expr,
                template,
                strip,
            };
            let mut else_expr = None;
            let before_else = self.pos;
            if self.starts(b"%{") {
                self.pos += 2;
                let start = self.eat(b'~');
                self.ws()?;
                if self.starts(b"else") {
                    self.pos += 4;
                    self.ws()?;
                    let end = self.eat(b'~');
                    self.expect(b'}')?;
                    let template = self.nested_template()?;
                    else_expr = Some(ElseTemplateExpr {
                        template,
                        strip: Strip { start, end },
                    });
                } else {
                    self.pos = before_else;
                }
            }
            let endif_expr = self.end_tag(b"endif")?;
            return Ok(Some(Directive::If(IfDirective {
                if_expr,
                else_expr,
                endif_expr,
            })));
        }
        if self.starts(b"for") {
            self.pos += 3;
            let ForIntro {
                key_var,
                value_var,
                collection_expr,
            } = self.for_variables()?;
            let strip = Strip {
                start: strip_start,
                end: self.eat(b'~'),
            };
            self.expect(b'}')?;
            let template = self.nested_template()?;
            let endfor_expr = self.end_tag(b"endfor")?;
            return Ok(Some(Directive::For(ForDirective {
                for_expr: ForTemplateExpr {
                    key_var,
                    value_var,
                    collection_expr,
                    template,
                    strip,
                },
                endfor_expr,
            })));
        }
        self.pos = save;
        Ok(None)
    }

    fn nested_template(&mut self) -> P<Template> {
        let outer = self.enter()?;
        let t = self.elements(Lit::Inner)?;
        self.leave(outer);
        Ok(t)
    }

    /// `%{~ endif ~}` or `%{~ endfor ~}`.
    fn end_tag(&mut self, tag: &[u8]) -> P<EndTemplateExpr> {
        self.expect_str(b"%{")?;
        let start = self.eat(b'~');
        self.ws()?;
        self.expect_str(tag)?;
        self.ws()?;
        let end = self.eat(b'~');
        self.expect(b'}')?;
        Ok(EndTemplateExpr {
            strip: Strip { start, end },
        })
    }

    /// `heredoc`: `<<EOT` or `<<-EOT`, a newline, the template, the delimiter.
    fn heredoc(&mut self) -> P<Expression> {
        let start = self.pos;
        self.expect_str(b"<<")?;
        let indented = self.eat(b'-');
        let d0 = self.pos;
        self.ident()?;
        let delim = &self.b[d0..self.pos];
        if !self.line_ending() {
            return Err(Bail);
        }
        // `hcl::edit` reads an empty heredoc (the delimiter on the next line) its own way.
        let mut i = self.pos;
        while matches!(self.b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if self.b[i..].starts_with(delim) {
            return Err(Bail);
        }
        let mut template = self.elements(Lit::Heredoc(delim))?;
        // The newline before the delimiter belongs to the last literal.
        let nl_start = self.pos;
        if !self.line_ending() {
            return Err(Bail);
        }
        let nl = &self.s[nl_start..self.pos];
        match template.elements.last_mut() {
            Some(Element::Literal(l)) => {
                l.value.push_str(nl);
                l.span.end = self.pos;
            }
            _ => template.elements.push(Element::Literal(Spanned::new(
                nl.to_owned(),
                nl_start..self.pos,
            ))),
        }
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.expect_str(delim)?;
        match self.peek() {
            Some(c) if c >= 0x80 || is_id_continue(c) => return Err(Bail),
            _ => {}
        }
        let indent = if indented {
            dedent(&mut template)
        } else {
            None
        };
        Ok(Expression::HeredocTemplate(Box::new(HeredocTemplate {
            template,
            indent,
            span: start..self.pos,
        })))
    }
}

/// Joins the last two expressions of `out` with `op`.
fn reduce(out: &mut Vec<Expression>, op: BinaryOperator) {
    let (Some(rhs), Some(lhs)) = (out.pop(), out.pop()) else {
        return;
    };
    let span = lhs.range().start..rhs.range().end;
    out.push(Expression::BinaryOp(Box::new(BinaryOp {
        lhs_expr: lhs,
        operator: op,
        rhs_expr: rhs,
        span,
    })));
}

/// `Template::dedent` of `hcl::edit` 0.10: the least indentation of the literals' lines,
/// removed from each (none when an interpolation or directive starts a line).
fn dedent(t: &mut Template) -> Option<usize> {
    let mut indent: Option<usize> = None;
    let mut skip_first_line = false;
    for el in &t.elements {
        if let Element::Literal(l) = el {
            if let Some(lw) = min_leading_whitespace(&l.value, skip_first_line) {
                indent = Some(indent.map_or(lw, |i| i.min(lw)));
            }
            skip_first_line = !l.value.ends_with('\n');
        } else if !skip_first_line {
            return None;
        }
    }
    let indent = indent?;
    let mut skip_first_line = false;
    for el in &mut t.elements {
        if let Element::Literal(l) = el {
            l.value = dedent_by(&l.value, indent, skip_first_line);
            skip_first_line = !l.value.ends_with('\n');
        } else if !skip_first_line {
            skip_first_line = true;
        }
    }
    Some(indent)
}

/// `util::dedent_by` of `hcl::edit` 0.10.
fn dedent_by(s: &str, n: usize, skip_first: bool) -> String {
    let mut dedented = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i == 0 && skip_first {
            dedented.push_str(line);
        } else if !line.is_empty() {
            dedented.extend(line.chars().skip(n));
        }
        dedented.push('\n');
    }
    if dedented.ends_with('\n') && !s.ends_with('\n') {
        dedented.pop();
    }
    dedented
}

/// `util::min_leading_whitespace` of `hcl::edit` 0.10.
fn min_leading_whitespace(s: &str, skip_first: bool) -> Option<usize> {
    if s.is_empty() {
        return None;
    }
    let mut leading: Option<usize> = None;
    for (i, line) in s.lines().enumerate() {
        if (i == 0 && skip_first) || line.is_empty() {
            continue;
        }
        let n = line.chars().take_while(|c| c.is_whitespace()).count();
        if n == 0 {
            return None;
        }
        leading = Some(leading.map_or(n, |l| l.min(n)));
    }
    leading
}
