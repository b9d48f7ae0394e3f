/**
 * PostgreSQL functions judged without asking the catalog. PURE: built-ins that only compute or
 * read (many are VOLATILE in pg_proc only because their answer changes: clock_timestamp, sizes,
 * WAL positions). DENIED: built-ins the catalog alone would let through (STABLE, yet they assign a
 * transaction id). Anything else is looked up in pg_proc: STABLE and IMMUTABLE functions cannot
 * write (PostgreSQL runs them read-only); VOLATILE ones may, so they are refused.
 */

const STRINGS =
  'lower upper initcap length char_length character_length octet_length bit_length substring substr trim btrim ltrim rtrim replace concat concat_ws format left right lpad rpad position strpos split_part regexp_replace regexp_match regexp_matches regexp_split_to_array regexp_split_to_table regexp_like regexp_count regexp_instr regexp_substr md5 sha224 sha256 sha384 sha512 encode decode to_char to_number to_date to_timestamp quote_ident quote_literal quote_nullable reverse repeat starts_with translate ascii chr string_to_array array_to_string string_to_table unistr normalize overlay to_hex convert convert_from convert_to';
const NUMBERS =
  'abs ceil ceiling floor round trunc sqrt cbrt power pow exp ln log log10 mod sign greatest least pi div degrees radians sin cos tan asin acos atan atan2 width_bucket gcd lcm factorial scale min_scale trim_scale random random_normal';
const TIME =
  'now current_date current_time current_timestamp localtime localtimestamp date_trunc date_part date_bin extract age make_date make_time make_timestamp make_timestamptz make_interval justify_days justify_hours justify_interval timezone clock_timestamp statement_timestamp transaction_timestamp timeofday isfinite to_timestamp';
const AGGREGATES =
  'count sum avg min max array_agg string_agg json_agg jsonb_agg json_object_agg jsonb_object_agg bool_and bool_or every bit_and bit_or stddev stddev_pop stddev_samp variance var_pop var_samp percentile_cont percentile_disc mode rank dense_rank row_number ntile lag lead first_value last_value nth_value cume_dist percent_rank corr covar_pop covar_samp regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy regr_syy xmlagg range_agg range_intersect_agg any_value';
const JSON =
  'to_json to_jsonb row_to_json array_to_json json_build_object jsonb_build_object json_build_array jsonb_build_array json_object jsonb_object json_extract_path jsonb_extract_path json_extract_path_text jsonb_extract_path_text json_array_elements jsonb_array_elements json_array_elements_text jsonb_array_elements_text json_each jsonb_each json_each_text jsonb_each_text json_object_keys jsonb_object_keys json_array_length jsonb_array_length json_typeof jsonb_typeof jsonb_set jsonb_insert jsonb_strip_nulls json_strip_nulls jsonb_pretty jsonb_path_query jsonb_path_query_array jsonb_path_query_first jsonb_path_exists jsonb_path_match json_populate_record jsonb_populate_record json_to_record jsonb_to_record json_to_recordset jsonb_to_recordset';
const ARRAYS =
  'array_length array_lower array_upper array_ndims array_dims cardinality array_position array_positions array_append array_prepend array_cat array_remove array_replace array_fill unnest generate_series generate_subscripts trim_array array_sample array_shuffle';
const MISC =
  'coalesce nullif num_nulls num_nonnulls gen_random_uuid uuid_generate_v4 txid_current_snapshot pg_typeof pg_column_size to_regclass to_regtype to_regproc to_regprocedure to_regnamespace to_regrole format_type obj_description col_description shobj_description has_table_privilege has_column_privilege has_schema_privilege has_database_privilege has_function_privilege has_sequence_privilege pg_has_role row_security_active current_setting version current_database current_schema current_schemas current_user session_user current_role user inet_client_addr inet_server_addr inet_server_port host hostmask netmask network masklen set_masklen text abbrev family broadcast ts_rank ts_rank_cd to_tsvector to_tsquery plainto_tsquery phraseto_tsquery websearch_to_tsquery ts_headline setweight strip numnode querytree array_to_tsvector tsvector_to_array length lower_inc upper_inc isempty lower_inf upper_inf range_merge bool int4 int8 numeric float8 date xpath xpath_exists xmlparse xmlserialize';
const CATALOG =
  'pg_get_indexdef pg_get_viewdef pg_get_constraintdef pg_get_expr pg_get_functiondef pg_get_function_arguments pg_get_function_result pg_get_function_identity_arguments pg_get_triggerdef pg_get_ruledef pg_get_statisticsobjdef pg_get_userbyid pg_get_serial_sequence pg_get_partkeydef pg_get_keywords pg_relation_size pg_total_relation_size pg_table_size pg_indexes_size pg_database_size pg_tablespace_size pg_size_pretty pg_size_bytes pg_relation_filenode pg_relation_filepath pg_backend_pid pg_blocking_pids pg_safe_snapshot_blocking_pids pg_postmaster_start_time pg_conf_load_time pg_is_in_recovery pg_is_wal_replay_paused pg_get_wal_replay_pause_state pg_current_wal_lsn pg_current_wal_insert_lsn pg_current_wal_flush_lsn pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_last_xact_replay_timestamp pg_wal_lsn_diff pg_walfile_name pg_lock_status pg_partition_tree pg_partition_ancestors pg_partition_root pg_sequence_last_value pg_jit_available pg_control_checkpoint pg_control_system pg_control_init pg_control_recovery pg_notification_queue_usage pg_xact_commit_timestamp pg_last_committed_xact pg_xact_status txid_status pg_get_backend_memory_contexts pg_get_shmem_allocations pg_collation_actual_version pg_index_column_has_property pg_index_has_property pg_indexam_has_property pg_options_to_table pg_tablespace_location pg_stat_get_activity pg_stat_get_backend_idset pg_stat_get_numscans pg_stat_get_live_tuples pg_stat_get_dead_tuples age mxid_age pg_visible_in_snapshot pg_snapshot_xmin pg_snapshot_xmax pg_current_snapshot pg_describe_object pg_identify_object pg_get_object_address pg_settings_get_flags pg_input_is_valid pg_input_error_info';

const words = (...lists: string[]) => new Set(lists.join(' ').split(/\s+/).filter(Boolean));

export const PURE_FUNCTIONS: ReadonlySet<string> = words(
  STRINGS,
  NUMBERS,
  TIME,
  AGGREGATES,
  JSON,
  ARRAYS,
  MISC,
  CATALOG,
);

/**
 * Built-ins refused whatever pg_proc says: STABLE, yet each call assigns a transaction id (a write
 * to pg_xact); or they read a table, run a query or open a cursor named by a string argument, so
 * no guard can see what they reach (table_to_xml('secret', ...), query_to_xml('SELECT ...'), ts_stat).
 */
export const DENIED_FUNCTIONS: ReadonlySet<string> = words(
  'txid_current pg_current_xact_id txid_current_if_assigned pg_current_xact_id_if_assigned',
  'table_to_xml table_to_xmlschema table_to_xml_and_xmlschema query_to_xml query_to_xmlschema query_to_xml_and_xmlschema',
  'cursor_to_xml cursor_to_xmlschema schema_to_xml schema_to_xmlschema schema_to_xml_and_xmlschema',
  'database_to_xml database_to_xmlschema database_to_xml_and_xmlschema ts_stat',
);

/** The parser's names for BETWEEN (PostgreSQL compares with the type's own < and >, judged as those). */
export const SYNTAX_OPERATORS: ReadonlySet<string> = new Set(
  ['BETWEEN', 'NOT BETWEEN', 'BETWEEN SYMMETRIC', 'NOT BETWEEN SYMMETRIC'].map((n) => `operator:${n}`),
);

/**
 * Extensions whose STABLE/IMMUTABLE functions are trusted in reads: widely used, computing only
 * (text search and similarity, types, geometry). Not dblink, postgres_fdw, tablefunc (crosstab runs
 * a query string), pg_stat_statements (other sessions' statements) or anything unlisted: those
 * need allow_functions.
 */
export const CURATED_EXTENSIONS: ReadonlySet<string> = words(
  'pg_trgm citext hstore ltree cube earthdistance fuzzystrmatch unaccent intarray isn seg btree_gin btree_gist',
  'uuid-ossp pgcrypto postgis postgis_topology postgis_raster vector',
);
