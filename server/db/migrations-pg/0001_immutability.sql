-- Immutability, four eyes and tamper evidence enforced by PostgreSQL itself: the same rules as the
-- SQLite triggers (migrations/0001_immutability.sql, 0002_replace_guard.sql, 0003_trust.sql).
-- PostgreSQL has no REPLACE: `INSERT … ON CONFLICT DO UPDATE` fires the UPDATE triggers below, so it
-- cannot overwrite an immutable row; TRUNCATE skips row triggers, so it is refused per table.
-- Every message starts with `immutable:`, `invalid:` or `four_eyes:` (server/db/errors.ts maps them).
CREATE FUNCTION ecoscore_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = TG_ARGV[0];
END $$;
--> statement-breakpoint
CREATE FUNCTION ecoscore_rule_versions_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('published', 'retired') AND NOT (
    OLD.status = 'published' AND NEW.status = 'retired'
    AND OLD.retired_at IS NULL AND NEW.retired_at IS NOT NULL AND NEW.retired_by IS NOT NULL
    AND (to_jsonb(NEW) - 'status' - 'retired_at' - 'retired_by')
      = (to_jsonb(OLD) - 'status' - 'retired_at' - 'retired_by')
  ) THEN
    RAISE EXCEPTION 'immutable: a published or retired rule version cannot be changed (only published -> retired is allowed)';
  END IF;
  IF OLD.status = 'draft' AND NEW.status = 'published'
    AND (NEW.published_at IS NULL OR NEW.published_by IS NULL) THEN
    RAISE EXCEPTION 'invalid: publishing a rule version records who and when';
  END IF;
  IF OLD.status = 'draft' AND OLD.requested_at IS NOT NULL AND NEW.requested_at IS NOT NULL
    AND (NEW.document IS DISTINCT FROM OLD.document OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
      OR NEW.revision IS DISTINCT FROM OLD.revision OR NEW.year IS DISTINCT FROM OLD.year) THEN
    RAISE EXCEPTION 'immutable: a draft awaiting approval cannot be edited (withdraw the request first)';
  END IF;
  IF NEW.status = 'published' AND OLD.status <> 'published'
    AND (NEW.requested_by IS NULL OR NEW.published_by IS NULL OR NEW.doc_number IS NULL
      OR NEW.effective_date IS NULL OR (NEW.four_eyes AND NEW.requested_by = NEW.published_by)) THEN
    RAISE EXCEPTION 'four_eyes: a published rule version needs a requester, a different approver, a docNumber and an effective date';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER rule_versions_immutable_update BEFORE UPDATE ON rule_versions
  FOR EACH ROW EXECUTE FUNCTION ecoscore_rule_versions_update();
--> statement-breakpoint
CREATE FUNCTION ecoscore_rule_versions_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> 'draft'
    AND (NEW.requested_by IS NULL OR NEW.published_by IS NULL OR NEW.doc_number IS NULL
      OR NEW.effective_date IS NULL OR (NEW.four_eyes AND NEW.requested_by = NEW.published_by)) THEN
    RAISE EXCEPTION 'four_eyes: a published rule version needs a requester, a different approver, a docNumber and an effective date';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER rule_versions_four_eyes_insert BEFORE INSERT ON rule_versions
  FOR EACH ROW EXECUTE FUNCTION ecoscore_rule_versions_insert();
--> statement-breakpoint
CREATE TRIGGER rule_versions_immutable_delete BEFORE DELETE ON rule_versions
  FOR EACH ROW WHEN (OLD.status <> 'draft')
  EXECUTE FUNCTION ecoscore_refuse('immutable: only draft rule versions can be deleted');
--> statement-breakpoint
CREATE TRIGGER rule_families_version_grows BEFORE UPDATE ON rule_families
  FOR EACH ROW WHEN (NEW.last_version < OLD.last_version OR NEW.family IS DISTINCT FROM OLD.family)
  EXECUTE FUNCTION ecoscore_refuse('immutable: a rule family''s version numbers only grow');
--> statement-breakpoint
CREATE TRIGGER runs_immutable_update BEFORE UPDATE ON runs
  FOR EACH ROW WHEN (OLD.status = 'finished')
  EXECUTE FUNCTION ecoscore_refuse('immutable: a finished run cannot be changed');
--> statement-breakpoint
CREATE TRIGGER runs_immutable_delete BEFORE DELETE ON runs
  FOR EACH ROW WHEN (OLD.status = 'finished')
  EXECUTE FUNCTION ecoscore_refuse('immutable: a finished run cannot be deleted');
--> statement-breakpoint
CREATE FUNCTION ecoscore_run_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP <> 'INSERT' AND (SELECT status FROM runs WHERE id = OLD.run_id) = 'finished')
    OR (TG_OP <> 'DELETE' AND (SELECT status FROM runs WHERE id = NEW.run_id) = 'finished') THEN
    RAISE EXCEPTION 'immutable: the % of a finished run cannot be %', TG_ARGV[0],
      CASE TG_OP WHEN 'INSERT' THEN 'added' WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_results_immutable BEFORE INSERT OR UPDATE OR DELETE ON run_results
  FOR EACH ROW EXECUTE FUNCTION ecoscore_run_rows('results');
--> statement-breakpoint
CREATE TRIGGER run_errors_immutable BEFORE INSERT OR UPDATE OR DELETE ON run_errors
  FOR EACH ROW EXECUTE FUNCTION ecoscore_run_rows('errors');
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION ecoscore_refuse('immutable: the audit log is append-only');
--> statement-breakpoint
CREATE FUNCTION ecoscore_run_publications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
    RAISE EXCEPTION 'immutable: a run publication cannot be %', CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END;
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  IF NEW.status = 'published'
    AND (NEW.approved_by IS NULL OR (NEW.four_eyes AND NEW.approved_by = NEW.requested_by)) THEN
    RAISE EXCEPTION 'four_eyes: a published run needs an approver other than its requester';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_publications_guard BEFORE INSERT OR UPDATE OR DELETE ON run_publications
  FOR EACH ROW EXECUTE FUNCTION ecoscore_run_publications();
--> statement-breakpoint
CREATE TRIGGER data_changes_append_only BEFORE UPDATE OR DELETE ON data_changes
  FOR EACH ROW EXECUTE FUNCTION ecoscore_refuse('immutable: the data change log is append-only');
--> statement-breakpoint
CREATE TRIGGER signing_keys_append_only BEFORE UPDATE OR DELETE ON signing_keys
  FOR EACH ROW EXECUTE FUNCTION ecoscore_refuse('immutable: signing keys cannot be changed or deleted');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: the audit log is append-only');
--> statement-breakpoint
CREATE TRIGGER rule_versions_no_truncate BEFORE TRUNCATE ON rule_versions
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: rule versions cannot be truncated');
--> statement-breakpoint
CREATE TRIGGER rule_families_no_truncate BEFORE TRUNCATE ON rule_families
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: rule families cannot be truncated');
--> statement-breakpoint
CREATE TRIGGER runs_no_truncate BEFORE TRUNCATE ON runs
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: runs cannot be truncated');
--> statement-breakpoint
CREATE TRIGGER run_results_no_truncate BEFORE TRUNCATE ON run_results
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: run results cannot be truncated');
--> statement-breakpoint
CREATE TRIGGER run_errors_no_truncate BEFORE TRUNCATE ON run_errors
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: run errors cannot be truncated');
--> statement-breakpoint
CREATE TRIGGER run_publications_no_truncate BEFORE TRUNCATE ON run_publications
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: run publications cannot be truncated');
--> statement-breakpoint
CREATE TRIGGER data_changes_no_truncate BEFORE TRUNCATE ON data_changes
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: the data change log is append-only');
--> statement-breakpoint
CREATE TRIGGER signing_keys_no_truncate BEFORE TRUNCATE ON signing_keys
  FOR EACH STATEMENT EXECUTE FUNCTION ecoscore_refuse('immutable: signing keys cannot be changed or deleted');
