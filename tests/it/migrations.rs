//! Every migration is applied and rolled back over representative data, on the backend chosen by
//! the harness (SQLite, or Postgres with TEST_DATABASE_BACKEND=postgres): rows survive, new
//! columns carry their defaults, declared indexes exist, and a rollback restores the exact schema.
use exact_mcp::server::db::{Db, migrate};
use std::{collections::BTreeMap, path::Path};
use test_kit::{
    TestDatabase,
    schema::{self, Schema},
};

type Data = BTreeMap<String, Vec<Vec<Option<String>>>>;

async fn dump_all(db: &Db, schema: &Schema) -> Data {
    let mut data = Data::new();
    for (table, t) in schema {
        let cols: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
        data.insert(table.clone(), schema::dump(db, table, &cols).await);
    }
    data
}

fn migration_sql(version: i64, direction: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let prefix = format!("{version:04}_");
    let suffix = format!(".{direction}.sql");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(&suffix)
        })
        .unwrap_or_else(|| panic!("no {direction} file for migration {version}"));
    std::fs::read_to_string(entry).unwrap()
}

/// Names after `CREATE [UNIQUE] INDEX` in a migration's SQL.
fn declared_indexes(sql: &str) -> Vec<String> {
    let words: Vec<&str> = sql.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| w[0].eq_ignore_ascii_case("INDEX"))
        .map(|w| w[1].to_string())
        .filter(|n| !n.eq_ignore_ascii_case("IF"))
        .collect()
}

fn seed_for(version: i64) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/migration_seeds")
        .join(format!("{version:04}.sql"));
    std::fs::read_to_string(path).ok()
}

#[tokio::test]
async fn each_migration_applies_over_data_and_rolls_back_exactly() {
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    let versions = migrate::known_versions();
    let mut previous = 0_i64;

    for &version in &versions {
        // Representative rows, valid at the schema before this migration.
        if previous > 0 {
            let seed = seed_for(version).unwrap_or_else(|| {
                panic!("tests/migration_seeds/{version:04}.sql is missing: every migration after the first needs seed rows")
            });
            schema::execute_script(&db, &seed).await;
        }
        let before = schema::snapshot(&db).await;
        let data_before = dump_all(&db, &before).await;

        migrate::up_to(&db, version).await.unwrap();
        let after = schema::snapshot(&db).await;
        assert_ne!(before, after, "migration {version} changed nothing");

        // Existing rows are preserved in the columns they had.
        for (table, t) in &before {
            let old_cols: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
            assert!(
                after.contains_key(table),
                "migration {version} dropped table {table}"
            );
            let rows = schema::dump(&db, table, &old_cols).await;
            assert_eq!(
                rows, data_before[table],
                "migration {version} changed rows of {table}"
            );

            // Columns added to an existing table hold their declared default in every old row.
            for col in &after[table].columns {
                if t.columns.iter().any(|c| c.name == col.name) {
                    continue;
                }
                let expected = schema::evaluate_default(&db, col.default.as_deref()).await;
                let values = schema::dump(&db, table, std::slice::from_ref(&col.name)).await;
                for v in values {
                    assert_eq!(
                        v[0], expected,
                        "new column {table}.{} in migration {version}",
                        col.name
                    );
                }
            }
        }

        // Every index the migration declares exists.
        let up_sql = migration_sql(version, "up");
        for index in declared_indexes(&up_sql) {
            assert!(
                after.values().any(|t| t.indexes.contains_key(&index)),
                "migration {version} declares index {index}, which does not exist"
            );
        }

        // Rolling back restores the previous schema exactly and keeps the data.
        migrate::down_to(&db, previous).await.unwrap();
        let reverted = schema::snapshot(&db).await;
        assert_eq!(
            reverted, before,
            "rolling back {version} did not restore the schema"
        );
        assert_eq!(
            dump_all(&db, &reverted).await,
            data_before,
            "rolling back {version} lost data"
        );

        // And it applies again cleanly for the next round.
        migrate::up_to(&db, version).await.unwrap();
        assert_eq!(schema::snapshot(&db).await, after);
        previous = version;
    }

    // Down all the way, then up all the way: the same schema as before.
    let full = schema::snapshot(&db).await;
    assert!(full.contains_key("users") && full.contains_key("job_runs"));
    migrate::down_to(&db, 0).await.unwrap();
    assert!(
        schema::snapshot(&db).await.is_empty(),
        "down-all left tables behind"
    );
    let status = migrate::status(&db).await.unwrap();
    assert!(status.iter().all(|m| !m.applied));
    let applied = migrate::up(&db).await.unwrap();
    assert_eq!(applied, versions);
    assert_eq!(schema::snapshot(&db).await, full);
    db.close().await;
}

#[tokio::test]
async fn down_by_steps_reverts_the_newest_first() {
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    let versions = migrate::known_versions();
    migrate::up(&db).await.unwrap();
    assert!(
        migrate::up(&db).await.unwrap().is_empty(),
        "a second up applies nothing"
    );

    let reverted = migrate::down(&db, 2).await.unwrap();
    let newest_two: Vec<i64> = versions.iter().rev().take(2).copied().collect();
    assert_eq!(reverted, newest_two);
    let status = migrate::status(&db).await.unwrap();
    for m in &status {
        assert_eq!(m.applied, !newest_two.contains(&m.version), "{m:?}");
    }
    assert_eq!(
        migrate::up(&db).await.unwrap(),
        newest_two.into_iter().rev().collect::<Vec<_>>()
    );
    db.close().await;
}

#[test]
fn the_index_parser_finds_declared_indexes() {
    let sql = "CREATE TABLE t (a BIGINT);\nCREATE UNIQUE INDEX t_a_key ON t (a);\ncreate index t_b_idx on t (b);";
    assert_eq!(declared_indexes(sql), vec!["t_a_key", "t_b_idx"]);
}
