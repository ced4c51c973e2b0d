//! The schema and data as the migration tests and the test kit read them: table, column and
//! index descriptions (pragmas on SQLite, the catalogue on Postgres), whole-table dumps, and
//! trusted statements from the repository's own seed files and tests. Development builds only
//! (the `simulator` feature): nothing here takes a user's value.

use super::{Backend, Db, DbError};
// Table and column names come from our own schema, statements from our own files: trusted text.
use sqlx::{AssertSqlSafe, Row};

const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// A column as the catalogue describes it: name, upper-case type, NOT NULL, default expression.
pub type ColumnRow = (String, String, bool, Option<String>);

/// The application's tables (not sqlx's migration table), by name.
pub async fn table_names(db: &Db) -> Result<Vec<String>, DbError> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    let rows = sqlx::query(sql).fetch_all(db.pool()).await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|n| n != MIGRATIONS_TABLE)
        .collect())
}

/// The columns of `table`, in their order.
pub async fn columns(db: &Db, table: &str) -> Result<Vec<ColumnRow>, DbError> {
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
    let rows = sqlx::query(sql).bind(table).fetch_all(db.pool()).await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get::<i64, _>(2)? != 0,
                r.try_get(3)?,
            ))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?)
}

/// The indexes of `table`: name → definition (uniqueness and columns on SQLite, Postgres's own
/// definition there).
pub async fn indexes(db: &Db, table: &str) -> Result<Vec<(String, String)>, DbError> {
    let mut out = Vec::new();
    match db.backend() {
        Backend::Sqlite => {
            let list =
                sqlx::query("SELECT name, CAST(\"unique\" AS BIGINT) FROM pragma_index_list($1)")
                    .bind(table)
                    .fetch_all(db.pool())
                    .await?;
            for r in list {
                let name: String = r.try_get(0)?;
                let unique = r.try_get::<i64, _>(1)? != 0;
                let cols = sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(db.pool())
                    .await?
                    .iter()
                    .map(|c| c.try_get::<String, _>(0))
                    .collect::<Result<Vec<_>, _>>()?;
                out.push((name, format!("unique={unique} ({})", cols.join(", "))));
            }
        }
        Backend::Postgres => {
            let list = sqlx::query(
                "SELECT CAST(indexname AS TEXT), CAST(indexdef AS TEXT) FROM pg_indexes \
                 WHERE schemaname = 'public' AND tablename = $1",
            )
            .bind(table)
            .fetch_all(db.pool())
            .await?;
            for r in list {
                out.push((r.try_get(0)?, r.try_get(1)?));
            }
        }
    }
    Ok(out)
}

/// Every row of `table`, the listed columns cast to text, in a stable order.
pub async fn dump(
    db: &Db,
    table: &str,
    columns: &[String],
) -> Result<Vec<Vec<Option<String>>>, DbError> {
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
    let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(db.pool()).await?;
    Ok(rows
        .iter()
        .map(|r| {
            (0..columns.len())
                .map(|i| r.try_get::<Option<String>, _>(i))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?)
}

/// What a column default expression evaluates to, as text.
pub async fn evaluate(db: &Db, expr: &str) -> Result<Option<String>, DbError> {
    let sql = format!("SELECT CAST(({expr}) AS TEXT)");
    Ok(sqlx::query(AssertSqlSafe(sql))
        .fetch_one(db.pool())
        .await?
        .try_get(0)?)
}

/// Runs one trusted statement (a seed file's).
pub async fn execute(db: &Db, statement: &str) -> Result<(), DbError> {
    sqlx::query(AssertSqlSafe(statement.to_string()))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The one number a trusted query answers (a test's count).
pub async fn scalar(db: &Db, sql: &'static str) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(db.pool())
        .await?)
}
