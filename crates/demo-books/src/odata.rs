//! The OData v2 query options Exact Online accepts, hand-parsed: `$select`, `$filter`, `$top`,
//! `$orderby` and `$skiptoken`, checked against the entity's fields and applied to the
//! simulator's rows.
//!
//! `$filter` grammar (a tokenizer plus recursive descent; `or`, `not` and parentheses as well):
//!
//! ```text
//! or_expr    := and_expr ("or" and_expr)*
//! and_expr   := unary ("and" unary)*
//! unary      := "not" unary | primary
//! primary    := "(" or_expr ")" | text_call [cmp bool] | Field cmp literal | literal cmp Field
//! text_call  := substringof('x', Field) | startswith(Field, 'x') | endswith(Field, 'x')
//! cmp        := eq | ne | ge | le | gt | lt
//! literal    := 'text' ('' inside) | number | true | false | null | guid'…' | datetime'…'
//! ```
//!
//! As in Exact: one side of a comparison is a field and the other a literal (no field-to-field
//! comparisons), the literal's type must fit the field's (`ID eq 'x'` is refused: a GUID needs
//! `guid'…'`), and string comparisons ignore case, as Exact's database collation does.

use crate::dates::{days_from_civil, days_in_month, parse_exact_date};
use serde_json::{Map, Value};
use std::cmp::Ordering;

/// The EDM type of a field, which decides the literals it can be compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Guid,
    String,
    Int,
    Double,
    Bool,
    /// Sent as `/Date(ms)/`, compared with `datetime'…'`.
    DateTime,
}

impl FieldType {
    fn edm(self) -> &'static str {
        match self {
            FieldType::Guid => "Edm.Guid",
            FieldType::String => "Edm.String",
            FieldType::Int => "Edm.Int64",
            FieldType::Double => "Edm.Double",
            FieldType::Bool => "Edm.Boolean",
            FieldType::DateTime => "Edm.DateTime",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
}

/// What a query is checked against: the entity type's name (for messages) and its fields.
#[derive(Debug, Clone, Copy)]
pub struct Schema<'a> {
    pub type_name: &'a str,
    pub fields: &'a [Field],
}

impl Schema<'_> {
    fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn unknown(&self, name: &str, pos: usize) -> String {
        format!(
            "No property '{name}' exists in type '{}' at position {pos}.",
            self.type_name
        )
    }
}

pub type Row = Map<String, Value>;

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lower-case hyphenated.
    Guid(String),
    /// Epoch milliseconds.
    DateTime(i64),
}

impl Literal {
    fn edm(&self) -> &'static str {
        match self {
            Literal::Null => "null",
            Literal::Bool(_) => "Edm.Boolean",
            Literal::Number(_) => "Edm.Double",
            Literal::String(_) => "Edm.String",
            Literal::Guid(_) => "Edm.Guid",
            Literal::DateTime(_) => "Edm.DateTime",
        }
    }

    fn fits(&self, ty: FieldType) -> bool {
        matches!(
            (self, ty),
            (Literal::Null, _)
                | (Literal::Bool(_), FieldType::Bool)
                | (Literal::Number(_), FieldType::Int | FieldType::Double)
                | (Literal::String(_), FieldType::String)
                | (Literal::Guid(_), FieldType::Guid)
                | (Literal::DateTime(_), FieldType::DateTime)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Ge,
    Le,
    Gt,
    Lt,
}

impl CmpOp {
    fn parse(word: &str) -> Option<CmpOp> {
        Some(match word {
            "eq" => CmpOp::Eq,
            "ne" => CmpOp::Ne,
            "ge" => CmpOp::Ge,
            "le" => CmpOp::Le,
            "gt" => CmpOp::Gt,
            "lt" => CmpOp::Lt,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Ge => "ge",
            CmpOp::Le => "le",
            CmpOp::Gt => "gt",
            CmpOp::Lt => "lt",
        }
    }

    /// The same comparison with its operands swapped (`5 lt X` is `X gt 5`).
    fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Lt => CmpOp::Gt,
            same => same,
        }
    }

    fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Ge => ord != Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Lt => ord == Ordering::Less,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFunc {
    /// `substringof('needle', Field)`: the OData v2 argument order.
    SubstringOf,
    StartsWith,
    EndsWith,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare {
        field: String,
        op: CmpOp,
        value: Literal,
    },
    /// A text function, true when its result equals `expect` (`… eq true`, `… eq false`).
    Text {
        func: TextFunc,
        field: String,
        needle: String,
        expect: bool,
    },
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Lit(Literal),
    LParen,
    RParen,
    Comma,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: usize,
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | ',' => {
                let tok = match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    _ => Tok::Comma,
                };
                out.push(Token { tok, pos });
                i += 1;
            }
            '\'' => {
                let (text, next) = quoted(&chars, i)?;
                out.push(Token {
                    tok: Tok::Lit(Literal::String(text)),
                    pos,
                });
                i = next;
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while chars
                    .get(i)
                    .is_some_and(|(_, d)| d.is_ascii_digit() || *d == '.')
                {
                    i += 1;
                }
                let end = chars.get(i).map_or(input.len(), |(p, _)| *p);
                let text = &input[chars[start].0..end];
                // Type suffixes: 10M (decimal), 1.5D (double), 5L (int64), 1.5F (single).
                if chars.get(i).is_some_and(|(_, s)| {
                    matches!(s, 'm' | 'M' | 'd' | 'D' | 'l' | 'L' | 'f' | 'F')
                }) {
                    i += 1;
                }
                if chars
                    .get(i)
                    .is_some_and(|(_, s)| s.is_alphanumeric() || *s == '_')
                {
                    return Err(format!("Malformed number at position {pos}."));
                }
                let value: f64 = text
                    .parse()
                    .map_err(|_| format!("Malformed number '{text}' at position {pos}."))?;
                out.push(Token {
                    tok: Tok::Lit(Literal::Number(value)),
                    pos,
                });
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|(_, d)| d.is_alphanumeric() || *d == '_')
                {
                    i += 1;
                }
                let end = chars.get(i).map_or(input.len(), |(p, _)| *p);
                let word = &input[chars[start].0..end];
                // Typed literals: guid'…' and datetime'…' (no space before the quote).
                if chars.get(i).is_some_and(|(_, q)| *q == '\'') {
                    let (text, next) = quoted(&chars, i)?;
                    let lit = match word.to_ascii_lowercase().as_str() {
                        "guid" => Literal::Guid(
                            uuid::Uuid::parse_str(&text)
                                .map_err(|_| {
                                    format!("Invalid guid literal '{text}' at position {pos}.")
                                })?
                                .hyphenated()
                                .to_string(),
                        ),
                        "datetime" => {
                            Literal::DateTime(parse_datetime(&text).ok_or_else(|| {
                                format!(
                                    "Invalid datetime literal '{text}' at position {pos}: expected \
                                 yyyy-mm-ddThh:mm[:ss]."
                                )
                            })?)
                        }
                        _ => {
                            return Err(format!(
                                "Unknown literal type '{word}' at position {pos}."
                            ));
                        }
                    };
                    out.push(Token {
                        tok: Tok::Lit(lit),
                        pos,
                    });
                    i = next;
                } else {
                    let tok = match word {
                        "true" => Tok::Lit(Literal::Bool(true)),
                        "false" => Tok::Lit(Literal::Bool(false)),
                        "null" => Tok::Lit(Literal::Null),
                        _ => Tok::Ident(word.to_string()),
                    };
                    out.push(Token { tok, pos });
                }
            }
            other => return Err(format!("Syntax error: '{other}' at position {pos}.")),
        }
    }
    Ok(out)
}

/// A single-quoted string starting at `chars[start]`; `''` stands for one quote. Returns the
/// text and the index after the closing quote.
fn quoted(chars: &[(usize, char)], start: usize) -> Result<(String, usize), String> {
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(format!(
                    "Unterminated string literal at position {}.",
                    chars[start].0
                ));
            }
            Some((_, '\'')) if chars.get(i + 1).is_some_and(|(_, c)| *c == '\'') => {
                text.push('\'');
                i += 2;
            }
            Some((_, '\'')) => return Ok((text, i + 1)),
            Some((_, c)) => {
                text.push(*c);
                i += 1;
            }
        }
    }
}

/// `yyyy-mm-dd[Thh:mm[:ss[.fff]]][Z]` as UTC epoch milliseconds.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (date, time) = text.split_once('T').unwrap_or((text, ""));
    let mut d = date.split('-');
    let (y, m, day) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() || y.len() != 4 || m.len() != 2 || day.len() != 2 {
        return None;
    }
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(day)) {
        return None;
    }
    let (y, m, day): (i64, u32, u32) = (y.parse().ok()?, m.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&m) || day == 0 || day > days_in_month(y, m) {
        return None;
    }
    let mut ms = days_from_civil(y, m, day) * 86_400_000;
    if !time.is_empty() {
        let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
        let parts: Vec<&str> = hms.split(':').collect();
        if !(2..=3).contains(&parts.len())
            || parts.iter().any(|p| p.len() != 2 || !digits(p))
            || !digits(frac)
            || frac.len() > 7
        {
            return None;
        }
        let (h, min): (i64, i64) = (parts[0].parse().ok()?, parts[1].parse().ok()?);
        let s: i64 = parts.get(2).map_or(Some(0), |p| p.parse().ok())?;
        if h > 23 || min > 59 || s > 59 {
            return None;
        }
        let millis: i64 = format!("{frac:0<3}")[..3].parse().ok()?;
        ms += ((h * 60 + min) * 60 + s) * 1000 + millis;
    }
    Some(ms)
}

// ---------------------------------------------------------------------------------------------
// Parser

/// Parentheses and `not`s nest at most this deep in a `$filter`: the parser and the matcher
/// recurse once per level, and the demo serves this engine in production.
pub const MAX_FILTER_DEPTH: usize = 32;
/// A `$filter` joins at most this many conditions with `and`/`or` (each one is a level of the
/// tree the matcher walks).
pub const MAX_FILTER_TERMS: usize = 200;

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    end: usize,
    schema: Schema<'a>,
    /// Open parentheses and `not`s around the current position.
    depth: usize,
    /// Conditions joined so far.
    terms: usize,
}

/// Parses a `$filter` value and checks it against the entity's fields.
pub fn parse_filter(input: &str, schema: Schema<'_>) -> Result<Filter, String> {
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Err("The $filter expression is empty.".to_string());
    }
    let mut p = Parser {
        tokens,
        at: 0,
        end: input.len(),
        schema,
        depth: 0,
        terms: 0,
    };
    let filter = p.or_expr()?;
    if let Some(t) = p.tokens.get(p.at) {
        return Err(format!(
            "Syntax error at position {}: expected 'and', 'or' or the end of the expression.",
            t.pos
        ));
    }
    Ok(filter)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at).map(|t| &t.tok)
    }

    fn pos(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |t| t.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(w)) if w == word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<(), String> {
        let pos = self.pos();
        match self.next() {
            Some(t) if t.tok == tok => Ok(()),
            _ => Err(format!("Syntax error at position {pos}: expected {what}.")),
        }
    }

    /// Counts one more `and`/`or`, refusing a filter that joins too many.
    fn join(&mut self) -> Result<(), String> {
        self.terms += 1;
        if self.terms >= MAX_FILTER_TERMS {
            return Err(format!(
                "The $filter expression joins more than {MAX_FILTER_TERMS} conditions."
            ));
        }
        Ok(())
    }

    /// Enters one level of parentheses or `not`, refusing to go deeper than the limit.
    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_FILTER_DEPTH {
            return Err(format!(
                "Syntax error at position {}: the $filter expression is nested more than \
                 {MAX_FILTER_DEPTH} levels deep.",
                self.pos()
            ));
        }
        Ok(())
    }

    fn or_expr(&mut self) -> Result<Filter, String> {
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            self.join()?;
            let right = self.and_expr()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.join()?;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        if self.keyword("not") {
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, String> {
        let pos = self.pos();
        match self.next() {
            Some(Token {
                tok: Tok::LParen, ..
            }) => {
                self.enter()?;
                let inner = self.or_expr()?;
                self.expect(Tok::RParen, "')'")?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Token {
                tok: Tok::Ident(word),
                ..
            }) if matches!(self.peek(), Some(Tok::LParen)) => self.text_call(&word, pos),
            Some(Token {
                tok: Tok::Ident(field),
                ..
            }) => {
                let op = self.cmp_op()?;
                let value = self.literal()?;
                self.comparison(field, pos, op, value)
            }
            Some(Token {
                tok: Tok::Lit(value),
                ..
            }) => {
                let op = self.cmp_op()?;
                let field_pos = self.pos();
                match self.next() {
                    Some(Token {
                        tok: Tok::Ident(field),
                        ..
                    }) => self.comparison(field, field_pos, op.flipped(), value),
                    _ => Err(format!(
                        "Syntax error at position {field_pos}: a comparison needs a property on \
                         one side."
                    )),
                }
            }
            _ => Err(format!(
                "Syntax error at position {pos}: expected a comparison such as Name eq 'x'."
            )),
        }
    }

    fn cmp_op(&mut self) -> Result<CmpOp, String> {
        let pos = self.pos();
        match self.next() {
            Some(Token {
                tok: Tok::Ident(w), ..
            }) if CmpOp::parse(&w).is_some() => Ok(CmpOp::parse(&w).unwrap_or(CmpOp::Eq)),
            _ => Err(format!(
                "Syntax error at position {pos}: expected an operator (eq, ne, gt, ge, lt, le)."
            )),
        }
    }

    fn literal(&mut self) -> Result<Literal, String> {
        let pos = self.pos();
        match self.next() {
            Some(Token {
                tok: Tok::Lit(l), ..
            }) => Ok(l),
            Some(Token {
                tok: Tok::Ident(_), ..
            }) => Err(format!(
                "Comparing two properties is not supported (position {pos}); compare a property \
                 with a literal."
            )),
            _ => Err(format!(
                "Syntax error at position {pos}: expected a literal such as 'text', 42, true, \
                 guid'…' or datetime'…'."
            )),
        }
    }

    fn comparison(
        &self,
        field: String,
        pos: usize,
        op: CmpOp,
        value: Literal,
    ) -> Result<Filter, String> {
        let Some(f) = self.schema.field(&field) else {
            return Err(self.schema.unknown(&field, pos));
        };
        let ordering = !matches!(op, CmpOp::Eq | CmpOp::Ne);
        if !value.fits(f.ty) || (ordering && (value == Literal::Null || f.ty == FieldType::Bool)) {
            return Err(format!(
                "Operator '{}' incompatible with operand types '{}' and '{}' at position {pos}.",
                op.name(),
                f.ty.edm(),
                value.edm()
            ));
        }
        Ok(Filter::Compare { field, op, value })
    }

    fn text_call(&mut self, name: &str, pos: usize) -> Result<Filter, String> {
        let func = match name {
            "substringof" => TextFunc::SubstringOf,
            "startswith" => TextFunc::StartsWith,
            "endswith" => TextFunc::EndsWith,
            other => {
                return Err(format!(
                    "Unknown function '{other}' at position {pos}; supported: substringof, \
                     startswith, endswith."
                ));
            }
        };
        self.expect(Tok::LParen, "'('")?;
        let first_pos = self.pos();
        let first = self.next().map(|t| t.tok);
        self.expect(Tok::Comma, "','")?;
        let second_pos = self.pos();
        let second = self.next().map(|t| t.tok);
        self.expect(Tok::RParen, "')'")?;
        // substringof takes (needle, Field); startswith and endswith take (Field, needle).
        let ((needle, _), (field, field_pos)) = match func {
            TextFunc::SubstringOf => ((first, first_pos), (second, second_pos)),
            _ => ((second, second_pos), (first, first_pos)),
        };
        let usage = match func {
            TextFunc::SubstringOf => "substringof('text', Field)",
            TextFunc::StartsWith => "startswith(Field, 'text')",
            TextFunc::EndsWith => "endswith(Field, 'text')",
        };
        let (Some(Tok::Lit(Literal::String(needle))), Some(Tok::Ident(field))) = (needle, field)
        else {
            return Err(format!(
                "Wrong arguments for {name} at position {pos}: use {usage}."
            ));
        };
        match self.schema.field(&field) {
            None => return Err(self.schema.unknown(&field, field_pos)),
            Some(f) if f.ty != FieldType::String => {
                return Err(format!(
                    "{name} needs a text property; '{field}' is {} (position {field_pos}).",
                    f.ty.edm()
                ));
            }
            Some(_) => {}
        }
        // `substringof(…) eq true` as Exact's documentation writes it; a bare call also works.
        let mut expect = true;
        if let Some(Tok::Ident(w)) = self.peek()
            && let Some(op) = CmpOp::parse(w)
        {
            let op_pos = self.pos();
            self.at += 1;
            let b = match (op, self.literal()?) {
                (CmpOp::Eq, Literal::Bool(b)) => b,
                (CmpOp::Ne, Literal::Bool(b)) => !b,
                _ => {
                    return Err(format!(
                        "{name}(…) can only be compared with eq/ne true/false (position \
                         {op_pos})."
                    ));
                }
            };
            expect = b;
        }
        Ok(Filter::Text {
            func,
            field,
            needle,
            expect,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// A row's value as a comparable literal of the field's type (`None` for null).
fn value_of(row: &Row, field: &str) -> Option<Literal> {
    match row.get(field)? {
        Value::Null => None,
        Value::Bool(b) => Some(Literal::Bool(*b)),
        Value::Number(n) => n.as_f64().map(Literal::Number),
        Value::String(s) => Some(match parse_exact_date(s) {
            Some(ms) if s.starts_with("/Date(") => Literal::DateTime(ms),
            _ => Literal::String(s.clone()),
        }),
        _ => None,
    }
}

/// Orders two non-null values of one field; strings and GUIDs ignore case.
fn compare(a: &Literal, b: &Literal) -> Option<Ordering> {
    match (a, b) {
        (Literal::Bool(x), Literal::Bool(y)) => Some(x.cmp(y)),
        (Literal::Number(x), Literal::Number(y)) => x.partial_cmp(y),
        (Literal::DateTime(x), Literal::DateTime(y)) => Some(x.cmp(y)),
        (Literal::String(x) | Literal::Guid(x), Literal::String(y) | Literal::Guid(y)) => {
            Some(x.to_lowercase().cmp(&y.to_lowercase()))
        }
        _ => None,
    }
}

impl Filter {
    pub fn matches(&self, row: &Row) -> bool {
        match self {
            Filter::And(a, b) => a.matches(row) && b.matches(row),
            Filter::Or(a, b) => a.matches(row) || b.matches(row),
            Filter::Not(a) => !a.matches(row),
            Filter::Compare { field, op, value } => {
                match (value_of(row, field), value) {
                    (None, Literal::Null) => *op == CmpOp::Eq,
                    (Some(_), Literal::Null) => *op == CmpOp::Ne,
                    // null equals nothing, and orders against nothing.
                    (None, _) => *op == CmpOp::Ne,
                    (Some(v), lit) => compare(&v, lit).is_some_and(|o| op.holds(o)),
                }
            }
            Filter::Text {
                func,
                field,
                needle,
                expect,
            } => {
                let Some(Literal::String(text)) = value_of(row, field) else {
                    return !*expect;
                };
                let (text, needle) = (text.to_lowercase(), needle.to_lowercase());
                let found = match func {
                    TextFunc::SubstringOf => text.contains(&needle),
                    TextFunc::StartsWith => text.starts_with(&needle),
                    TextFunc::EndsWith => text.ends_with(&needle),
                };
                found == *expect
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The query options together

/// Parsed, validated query options of one request.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub select: Option<Vec<String>>,
    pub filter: Option<Filter>,
    pub top: Option<usize>,
    /// (field, descending)
    pub orderby: Vec<(String, bool)>,
    pub skiptoken: Option<Literal>,
}

/// Parses the decoded query pairs; other parameters than the `$` options are ignored.
pub fn parse_query(pairs: &[(String, String)], schema: Schema<'_>) -> Result<Query, String> {
    let mut q = Query::default();
    let mut seen: Vec<&str> = Vec::new();
    for (key, value) in pairs {
        if key.starts_with('$') {
            if seen.contains(&key.as_str()) {
                return Err(format!("Query option '{key}' appears more than once."));
            }
            seen.push(key);
        }
        match key.as_str() {
            "$select" => q.select = parse_select(value, schema)?,
            "$filter" => q.filter = Some(parse_filter(value, schema)?),
            "$top" => {
                q.top = Some(value.trim().parse().map_err(|_| {
                    format!("Invalid $top '{value}': expected a non-negative integer.")
                })?)
            }
            "$orderby" => q.orderby = parse_orderby(value, schema)?,
            "$skiptoken" => q.skiptoken = Some(parse_skiptoken(value)?),
            // Accepted and meaningless here (JSON is the only format the simulator speaks).
            "$format" | "$inlinecount" => {}
            other if other.starts_with('$') => {
                return Err(format!("Query option '{other}' is not supported."));
            }
            _ => {}
        }
    }
    Ok(q)
}

/// `$select=A,B`; `*` or empty means all fields.
fn parse_select(value: &str, schema: Schema<'_>) -> Result<Option<Vec<String>>, String> {
    let names: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() || names == ["*"] {
        return Ok(None);
    }
    let mut out = Vec::new();
    for name in names {
        if schema.field(name).is_none() {
            return Err(format!(
                "$select: no property '{name}' exists in type '{}'.",
                schema.type_name
            ));
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(Some(out))
}

/// `$orderby=A desc, B`.
fn parse_orderby(value: &str, schema: Schema<'_>) -> Result<Vec<(String, bool)>, String> {
    let mut out = Vec::new();
    for part in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let mut words = part.split_whitespace();
        let name = words.next().unwrap_or_default();
        let desc = match words.next() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(format!("$orderby: expected asc or desc, not '{other}'.")),
        };
        if words.next().is_some() {
            return Err(format!("$orderby: cannot read '{part}'."));
        }
        if schema.field(name).is_none() {
            return Err(format!(
                "$orderby: no property '{name}' exists in type '{}'.",
                schema.type_name
            ));
        }
        out.push((name.to_string(), desc));
    }
    Ok(out)
}

/// A `$skiptoken` is the key of the last row already sent: `guid'…'`, a number, or a quoted
/// text for entity sets keyed by a code (`'GBP'`).
fn parse_skiptoken(value: &str) -> Result<Literal, String> {
    match tokenize(value).ok().as_deref() {
        Some(
            [
                Token {
                    tok: Tok::Lit(l @ (Literal::Guid(_) | Literal::Number(_) | Literal::String(_))),
                    ..
                },
            ],
        ) => Ok(l.clone()),
        _ => Err(format!("Invalid $skiptoken '{value}'.")),
    }
}

/// The key of a row as a `$skiptoken` value.
pub fn skiptoken_of(key: &Value) -> Option<String> {
    match key {
        Value::String(s) if uuid::Uuid::try_parse(s).is_ok() => Some(format!("guid'{s}'")),
        Value::String(s) => Some(format!("'{}'", s.replace('\'', "''"))),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One page of a query's answer.
#[derive(Debug)]
pub struct Page {
    pub rows: Vec<Value>,
    /// Set when more rows follow: the `$skiptoken` of the next page, and what is left of `$top`.
    pub next: Option<(String, Option<usize>)>,
}

/// Filters, orders (by `$orderby`, then the key, as Exact pages by key), skips past the
/// `$skiptoken` and cuts one page of at most `page_size` rows (no limit when `None`). Each row
/// gets the `__metadata` that `metadata` gives it, none when it gives `None`.
pub fn apply(
    rows: &[Row],
    q: &Query,
    key: &str,
    page_size: Option<usize>,
    metadata: impl Fn(&Row) -> Option<Value>,
) -> Result<Page, String> {
    let mut hits: Vec<&Row> = rows
        .iter()
        .filter(|r| q.filter.as_ref().is_none_or(|f| f.matches(r)))
        .collect();
    let order = |a: &Row, b: &Row, field: &str| match (value_of(a, field), value_of(b, field)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => compare(&x, &y).unwrap_or(Ordering::Equal),
    };
    hits.sort_by(|a, b| {
        q.orderby
            .iter()
            .map(|(f, desc)| {
                let o = order(a, b, f);
                if *desc { o.reverse() } else { o }
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| order(a, b, key))
    });
    if let Some(token) = &q.skiptoken {
        let last = hits
            .iter()
            .position(|r| {
                value_of(r, key).is_some_and(|v| compare(&v, token) == Some(Ordering::Equal))
            })
            .ok_or_else(|| "The $skiptoken does not match this query.".to_string())?;
        hits.drain(..=last);
    }
    let limit = match (q.top, page_size) {
        (Some(t), Some(p)) => t.min(p),
        (Some(t), None) => t,
        (None, Some(p)) => p,
        (None, None) => usize::MAX,
    };
    let more = hits.len() > limit && q.top.is_none_or(|t| t > limit);
    hits.truncate(limit);
    let next = if more {
        hits.last()
            .and_then(|r| r.get(key))
            .and_then(skiptoken_of)
            .map(|token| (token, q.top.map(|t| t - limit)))
    } else {
        None
    };
    let rows = hits
        .into_iter()
        .map(|r| {
            let mut out = Map::new();
            if let Some(meta) = metadata(r) {
                out.insert("__metadata".to_string(), meta);
            }
            match &q.select {
                None => out.extend(r.iter().map(|(k, v)| (k.clone(), v.clone()))),
                Some(fields) => {
                    for f in fields {
                        out.insert(f.clone(), r.get(f).cloned().unwrap_or(Value::Null));
                    }
                }
            }
            Value::Object(out)
        })
        .collect();
    Ok(Page { rows, next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[Field] = &[
        Field {
            name: "ID",
            ty: FieldType::Guid,
        },
        Field {
            name: "Name",
            ty: FieldType::String,
        },
        Field {
            name: "Amount",
            ty: FieldType::Double,
        },
        Field {
            name: "IsSales",
            ty: FieldType::Bool,
        },
        Field {
            name: "Created",
            ty: FieldType::DateTime,
        },
    ];
    const SCHEMA: Schema<'static> = Schema {
        type_name: "Exact.Web.Api.Models.Account",
        fields: FIELDS,
    };
    const G1: &str = "0b7e7dee-5a0a-4b8b-9b1a-000000000001";

    fn row(id: &str, name: &str, amount: f64, sales: bool, created_ms: i64) -> Row {
        let v = json!({
            "ID": id, "Name": name, "Amount": amount, "IsSales": sales,
            "Created": format!("/Date({created_ms})/"),
        });
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn rows() -> Vec<Row> {
        let jan = parse_datetime("2026-01-01").unwrap();
        vec![
            row(G1, "O'Brien & Zonen", 100.0, true, jan - 1),
            row(
                "0b7e7dee-5a0a-4b8b-9b1a-000000000002",
                "Bakkerij Jansen",
                250.5,
                false,
                jan,
            ),
            row(
                "0b7e7dee-5a0a-4b8b-9b1a-000000000003",
                "Café 't Hoekje",
                -3.0,
                true,
                jan + 86_400_000,
            ),
        ]
    }

    fn names(filter: &str) -> Vec<String> {
        let f = parse_filter(filter, SCHEMA).unwrap_or_else(|e| panic!("{filter}: {e}"));
        rows()
            .iter()
            .filter(|r| f.matches(r))
            .map(|r| r["Name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn strings_with_doubled_quotes_and_case_insensitive_equality() {
        assert_eq!(names("Name eq 'O''Brien & Zonen'"), ["O'Brien & Zonen"]);
        assert_eq!(names("Name eq 'bakkerij jansen'"), ["Bakkerij Jansen"]);
        assert_eq!(names("Name ne 'Bakkerij Jansen'").len(), 2);
        assert_eq!(names("Name eq 'O'"), Vec::<String>::new());
        assert_eq!(names("Name gt 'C'"), ["O'Brien & Zonen", "Café 't Hoekje"]);
    }

    #[test]
    fn numbers_booleans_guids_and_dates() {
        assert_eq!(names("Amount ge 250.5"), ["Bakkerij Jansen"]);
        assert_eq!(names("Amount lt 0"), ["Café 't Hoekje"]);
        assert_eq!(names("Amount le -3"), ["Café 't Hoekje"]);
        assert_eq!(
            names("Amount gt 99.99M"),
            ["O'Brien & Zonen", "Bakkerij Jansen"]
        );
        assert_eq!(names("IsSales eq false"), ["Bakkerij Jansen"]);
        assert_eq!(
            names(&format!("ID eq guid'{}'", G1.to_uppercase())),
            ["O'Brien & Zonen"]
        );
        assert_eq!(
            names("Created ge datetime'2026-01-01T00:00:00'"),
            ["Bakkerij Jansen", "Café 't Hoekje"]
        );
        assert_eq!(
            names("Created lt datetime'2026-01-01'"),
            ["O'Brien & Zonen"]
        );
        assert_eq!(
            names("100 le Amount"),
            ["O'Brien & Zonen", "Bakkerij Jansen"]
        );
        assert_eq!(names("Name eq null"), Vec::<String>::new());
    }

    #[test]
    fn text_functions_and_combinations() {
        assert_eq!(
            names("substringof('HOEK', Name) eq true"),
            ["Café 't Hoekje"]
        );
        assert_eq!(names("substringof('o''b', Name)"), ["O'Brien & Zonen"]);
        assert_eq!(
            names("substringof('o', Name) eq false"),
            ["Bakkerij Jansen"]
        );
        assert_eq!(
            names("startswith(Name, 'bak') eq true"),
            ["Bakkerij Jansen"]
        );
        assert_eq!(names("endswith(Name,'zonen')"), ["O'Brien & Zonen"]);
        assert_eq!(
            names("IsSales eq true and Amount gt 0 and substringof('zonen', Name) eq true"),
            ["O'Brien & Zonen"]
        );
        assert_eq!(
            names("(Amount lt 0 or Amount gt 200) and not (IsSales eq true)"),
            ["Bakkerij Jansen"]
        );
    }

    #[test]
    fn malformed_filters_are_refused_with_a_position() {
        let err = |f: &str| parse_filter(f, SCHEMA).unwrap_err();
        assert!(err("Name eq 'open").contains("Unterminated string"));
        assert!(err("Nope eq 'x'").contains("No property 'Nope'"));
        assert!(err("Name eq Code").contains("Comparing two properties"));
        assert!(err("Name eq").contains("expected a literal"));
        assert!(err("Name 'x'").contains("expected an operator"));
        assert!(err("Name eq 'x' and").contains("position 15"));
        assert!(err("Name eq 'x' Amount eq 1").contains("expected 'and'"));
        assert!(err("ID eq 'abc'").contains("incompatible"));
        assert!(err("ID eq guid'nope'").contains("Invalid guid"));
        assert!(err("Created ge datetime'2026-13-01'").contains("Invalid datetime"));
        assert!(err("Amount eq '5'").contains("Edm.Double"));
        assert!(err("IsSales gt true").contains("incompatible"));
        assert!(err("substringof(Name, 'x') eq true").contains("substringof('text', Field)"));
        assert!(err("substringof('x', Amount) eq true").contains("text property"));
        assert!(err("substringof('x', Name) gt true").contains("eq/ne"));
        assert!(err("length(Name) eq 3").contains("Unknown function"));
        assert!(err("(Name eq 'x'").contains("expected ')'"));
        assert!(err("Name eq 'x' ; drop").contains("Syntax error"));
        assert!(err("Amount eq 12abc").contains("Malformed number"));
        assert!(err("").contains("empty"));
        assert!(err("   ").contains("empty"));
    }

    #[test]
    fn datetimes() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00"), Some(0));
        assert_eq!(parse_datetime("1970-01-01T00:01"), Some(60_000));
        assert_eq!(parse_datetime("1970-01-02T00:00:00.5Z"), Some(86_400_500));
        assert_eq!(parse_datetime("2026-02-29"), None);
        assert_eq!(parse_datetime("2026-01-01T24:00"), None);
        assert_eq!(parse_datetime("26-01-01"), None);
    }

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn query_options() {
        let q = parse_query(
            &pairs(&[
                ("$select", "Name, ID"),
                ("$top", "2"),
                ("$orderby", "Amount desc"),
                ("other", "ignored"),
            ]),
            SCHEMA,
        )
        .unwrap();
        assert_eq!(q.select, Some(vec!["Name".to_string(), "ID".to_string()]));
        assert_eq!(q.top, Some(2));
        assert_eq!(q.orderby, [("Amount".to_string(), true)]);

        let bad = |k: &str, v: &str| parse_query(&pairs(&[(k, v)]), SCHEMA).unwrap_err();
        assert!(bad("$select", "Name,Bogus").contains("'Bogus'"));
        assert!(bad("$top", "-1").contains("$top"));
        assert!(bad("$orderby", "Name sideways").contains("asc or desc"));
        assert!(bad("$skiptoken", "x eq 1").contains("$skiptoken"));
        assert!(bad("$expand", "Contacts").contains("not supported"));
        assert!(
            parse_query(&pairs(&[("$top", "1"), ("$top", "2")]), SCHEMA)
                .unwrap_err()
                .contains("more than once")
        );
    }

    #[test]
    fn paging_by_key_with_top_and_select() {
        let all = rows();
        let meta = |_: &Row| Some(json!({}));
        let q = parse_query(&pairs(&[("$select", "Name")]), SCHEMA).unwrap();
        let first = apply(&all, &q, "ID", Some(2), meta).unwrap();
        assert_eq!(first.rows.len(), 2);
        assert_eq!(first.rows[0]["Name"], "O'Brien & Zonen", "ordered by key");
        assert!(
            first.rows[0].get("Amount").is_none(),
            "$select drops the rest"
        );
        let (token, top) = first.next.clone().unwrap();
        assert!(token.starts_with("guid'0b7e7dee"));
        assert_eq!(top, None);

        let mut q2 = q.clone();
        q2.skiptoken = Some(parse_skiptoken(&token).unwrap());
        let second = apply(&all, &q2, "ID", Some(2), meta).unwrap();
        assert_eq!(second.rows.len(), 1);
        assert!(second.next.is_none());

        // $top: at most that many rows over all pages, and the next link carries the rest.
        let q3 = parse_query(&pairs(&[("$top", "3")]), SCHEMA).unwrap();
        let p = apply(&all, &q3, "ID", Some(2), meta).unwrap();
        assert_eq!(p.next.as_ref().unwrap().1, Some(1));
        let q4 = parse_query(&pairs(&[("$top", "2")]), SCHEMA).unwrap();
        assert!(
            apply(&all, &q4, "ID", Some(2), meta)
                .unwrap()
                .next
                .is_none()
        );

        let q5 = parse_query(&pairs(&[("$orderby", "Amount desc")]), SCHEMA).unwrap();
        let p = apply(&all, &q5, "ID", None, meta).unwrap();
        assert_eq!(p.rows[0]["Name"], "Bakkerij Jansen");
        assert_eq!(p.rows[2]["Name"], "Café 't Hoekje");

        let mut q6 = q.clone();
        q6.skiptoken = Some(Literal::Guid(
            "0b7e7dee-5a0a-4b8b-9b1a-0000000000ff".to_string(),
        ));
        assert!(apply(&all, &q6, "ID", Some(2), meta).is_err());
    }
}
