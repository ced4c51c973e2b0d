//! Structural snapshots of a database schema and of its data, for the migration tests. The two
//! backends describe themselves differently (pragmas vs information_schema), so each has its own
//! queries; the snapshot they produce has one shape.

use exact_mcp::server::db::{Backend, Db};
// Table and column names come from our own schema, seeds from our own files: trusted text.
use sqlx::{AssertSqlSafe, Row};
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

const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

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
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    sqlx::query(sql)
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .filter(|n| n != MIGRATIONS_TABLE)
        .collect()
}

async fn columns(db: &Db, table: &str) -> Vec<Column> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name, UPPER(type), CAST(\"notnull\" AS BIGINT), dflt_value FROM pragma_table_info($1) ORDER BY cid"
        }
        Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT), UPPER(CAST(data_type AS TEXT)), \
             CAST(CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS BIGINT), CAST(column_default AS TEXT) \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 \
             ORDER BY ordinal_position"
        }
    };
    sqlx::query(sql)
        .bind(table)
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| Column {
            name: r.get(0),
            ty: r.get(1),
            not_null: r.get::<i64, _>(2) != 0,
            default: r.get(3),
        })
        .collect()
}

async fn indexes(db: &Db, table: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match db.backend() {
        Backend::Sqlite => {
            let list =
                sqlx::query("SELECT name, CAST(\"unique\" AS BIGINT) FROM pragma_index_list($1)")
                    .bind(table)
                    .fetch_all(db.pool())
                    .await
                    .unwrap();
            for r in list {
                let name: String = r.get(0);
                let unique = r.get::<i64, _>(1) != 0;
                let cols: Vec<String> =
                    sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                        .bind(&name)
                        .fetch_all(db.pool())
                        .await
                        .unwrap()
                        .iter()
                        .map(|c| c.get::<String, _>(0))
                        .collect();
                out.insert(name, format!("unique={unique} ({})", cols.join(", ")));
            }
        }
        Backend::Postgres => {
            let list = sqlx::query(
                "SELECT CAST(indexname AS TEXT), CAST(indexdef AS TEXT) FROM pg_indexes \
                 WHERE schemaname = 'public' AND tablename = $1",
            )
            .bind(table)
            .fetch_all(db.pool())
            .await
            .unwrap();
            for r in list {
                out.insert(r.get(0), r.get(1));
            }
        }
    }
    out
}

/// Every row of `table`, the listed columns cast to text, in a stable order.
pub async fn dump(db: &Db, table: &str, columns: &[String]) -> Vec<Vec<Option<String>>> {
    let select = columns
        .iter()
        .map(|c| format!("CAST(\"{c}\" AS TEXT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let order = (1..=columns.len())
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT {select} FROM \"{table}\" ORDER BY {order}");
    sqlx::query(AssertSqlSafe(sql))
        .fetch_all(db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (0..columns.len())
                .map(|i| r.get::<Option<String>, _>(i))
                .collect()
        })
        .collect()
}

/// What a column default evaluates to, as text (NULL when the column has none).
pub async fn evaluate_default(db: &Db, default: Option<&str>) -> Option<String> {
    let expr = default?;
    let sql = format!("SELECT CAST(({expr}) AS TEXT)");
    sqlx::query(AssertSqlSafe(sql))
        .fetch_one(db.pool())
        .await
        .unwrap()
        .get(0)
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
        sqlx::query(AssertSqlSafe(statement.to_string()))
            .execute(db.pool())
            .await
            .unwrap_or_else(|e| panic!("seed statement failed: {e}\n{statement}"));
    }
}
