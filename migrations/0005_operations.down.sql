DROP TABLE audit_log;
DROP TABLE job_runs;
