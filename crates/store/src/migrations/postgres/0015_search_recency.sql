-- SQLite only (a narrow copy of publication times for search; see the SQLite migration).
-- PostgreSQL reads them through its own plan and needs nothing here.
SELECT 1;
