DROP TABLE usage_daily;
DROP TABLE rate_windows;
DROP TABLE usage_events;
DROP TABLE api_keys;
