-- Lookups that run on every change, which a shared server answers for every machine: who sees a
-- folder (touchViewers, rename, delete; the primary key leads with the user), and the change
-- log by age (pruning).
CREATE INDEX view_entries_folder ON view_entries(folder_id);
CREATE INDEX change_log_at ON change_log(at);
CREATE INDEX shares_user ON shares(user_id);
