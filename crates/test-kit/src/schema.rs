//! Structural snapshots of a database schema and of its data, for the migration tests. The
//! queries live in the database layer (`db::introspect`, one per backend where they differ); the
//! snapshot they produce here has one shape.

use exact_mcp::server::db::{Db, introspect};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub ty: String,
    pub not_null: bool,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    /// index name → definition (uniqueness and columns)
    pub indexes: BTreeMap<String, String>,
}

pub type Schema = BTreeMap<String, Table>;

pub async fn snapshot(db: &Db) -> Schema {
    let mut schema = Schema::new();
    for table in table_names(db).await {
        let columns = columns(db, &table).await;
        let indexes = indexes(db, &table).await;
        schema.insert(table, Table { columns, indexes });
    }
    schema
}

async fn table_names(db: &Db) -> Vec<String> {
    introspect::table_names(db).await.unwrap()
}

async fn columns(db: &Db, table: &str) -> Vec<Column> {
    introspect::columns(db, table)
        .await
        .unwrap()
        .into_iter()
        .map(|(name, ty, not_null, default)| Column {
            name,
            ty,
            not_null,
            default,
        })
        .collect()
}

async fn indexes(db: &Db, table: &str) -> BTreeMap<String, String> {
    introspect::indexes(db, table)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Every row of `table`, the listed columns cast to text, in a stable order.
pub async fn dump(db: &Db, table: &str, columns: &[String]) -> Vec<Vec<Option<String>>> {
    introspect::dump(db, table, columns).await.unwrap()
}

/// What a column default evaluates to, as text (NULL when the column has none).
pub async fn evaluate_default(db: &Db, default: Option<&str>) -> Option<String> {
    introspect::evaluate(db, default?).await.unwrap()
}

/// Runs a file of `;`-separated statements (seed data has no `;` inside values); `--` comment
/// lines are dropped first.
pub async fn execute_script(db: &Db, script: &str) {
    let code: String = script
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    for statement in code.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        introspect::execute(db, statement)
            .await
            .unwrap_or_else(|e| panic!("seed statement failed: {e}\n{statement}"));
    }
}
