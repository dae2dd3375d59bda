{#
    Models built by version: each row stores the version of the input it was
    computed from. Before an incremental build, the rows whose version no
    longer stands are deleted (the pre-hook, inside the model's transaction);
    the build then computes every input that has no row left. The model
    compares only with its own content, so a build that failed or never ran
    is caught up by the next. Used by the golden record (per customer,
    macros/customers/customer_grain_incremental.sql) and by the identity graph
    (per record and identifier value, macros/identity/identity_graph_incremental.sql).
#}

{% macro delete_rows_of_outdated_versions(
    key_columns, version_columns, current_versions, many_rows_per_key=false, changes=none, deletion_log_columns=none
) %}
    {#- Pre-hook: remove the rows whose key is gone from `current_versions` (a
        parenthesised query with the key and version columns) or whose version
        there differs. `version_columns` maps each version column's name in
        `current_versions` to its expression over the model's own columns;
        versions are never null, so that the comparison is a plain equality,
        which every engine can hash. A model whose rows are their own key
        (int_identity_links_unioned) has no version columns: a row stands
        while current_versions still has it. With many_rows_per_key the
        model's rows are reduced to distinct keys and versions first, so that
        the join is as large as the keys, not the rows.

        The same comparison leaves the keys the build must compute in a
        temporary relation (keys_to_build_relation), which is_key_to_build
        and is_customer_to_build read: the keys whose rows it deletes and the
        keys of current_versions without a row of their version (new ones,
        and those that give no row at all). The build then reads a few keys,
        instead of comparing every input with the whole table again
        (1,000,000 customers: 6.8 M identifier rows against 3.0 M values,
        0.5 to 1.0 s, against 0.16 s for a day's keys).

        With `changes` (see macros/incremental/changes_since_built.sql), a
        dict of `keys` (a query of the keys whose version may have changed
        since the model last wrote), `versions` (current_versions of those
        keys alone, filtered by is_changed_key) and `complete` (a boolean
        expression: whether `keys` can be trusted), only those keys are
        compared when `complete` holds (the model stamps its rows with
        `built_at`, from which the changes are read). Its optional
        `built_filter`, a predicate on the model's unqualified columns, says
        which stored rows those versions stand against, where the changed
        keys are not the model's key (the links compare the links of the
        changed records); by default the rows of the changed keys. With
        `deletion_log_columns`, the model keeps a deletion log of those
        columns for its readers. -#}
    {%- if deletion_log_columns %}
        {{ customer360.start_deletion_log(deletion_log_columns) }};
    {%- endif %}
    {%- if is_incremental() -%}
        {{- customer360.stop_if_version_columns_missing(version_columns) }}
        {%- if changes is not none %}
            {#- changes are read since the latest built_at, the run stamp of the model's rows -#}
            {{- customer360.stop_if_version_columns_missing({'built_at': 'built_at'}) }}
        {%- endif %}
        {%- set compare_changes_only = changes is not none and customer360.compares_changes_only(changes) %}
        {%- if compare_changes_only %}
        {{ customer360.create_session_table(customer360.changed_keys_relation(), changes['keys']) }};
        {%- endif %}
        {{ customer360.create_session_table(
            customer360.keys_to_build_relation(),
            customer360.version_comparison(
                key_columns,
                version_columns,
                changes['versions'] if compare_changes_only else current_versions,
                many_rows_per_key,
                built_filter=changes.get('built_filter', customer360.is_changed_key(key_columns))
                    if compare_changes_only else 'true',
            )
        ) }};
        {%- if deletion_log_columns %}
        {{ customer360.record_deletions(key_columns, deletion_log_columns) }};
        {%- endif %}
        delete from {{ this }}
        where ({{ key_columns | join(', ') }}) in (
            select
                {%- for column in key_columns %}
                keys_to_build.{{ column }}{% if not loop.last %},{% endif %}
                {%- endfor %}
            from {{ customer360.keys_to_build_relation() }} as keys_to_build
            where keys_to_build.is_outdated
        )
    {%- endif -%}
{% endmacro %}


{% macro version_comparison(key_columns, version_columns, current_versions, many_rows_per_key, built_filter='true') %}
    {#- The keys whose built rows and current version do not meet, one row per
        side that is alone: `is_outdated` for a key of the model's rows whose
        version is gone, false for a current version without such rows. Only
        the model's rows passing `built_filter` (a predicate on its
        unqualified columns) are compared. -#}
    select
        {%- for column in key_columns %}
        coalesce(built.{{ column }}, current_versions.{{ column }}) as {{ column }},
        {%- endfor %}
        current_versions.{{ key_columns[0] }} is null as is_outdated
    from (
        select{{ ' distinct' if many_rows_per_key }}
            {{ key_columns | join(', ') }}
            {%- for name, expression in version_columns.items() %},
            {{ expression }} as {{ name }}
            {%- endfor %}
        from {{ this }}
        where {{ built_filter }}
    ) as built
    full outer join {{ current_versions }} as current_versions
        on {{ customer360.columns_equal(key_columns + (version_columns.keys() | list), 'built', 'current_versions') }}
    where
        built.{{ key_columns[0] }} is null
        or current_versions.{{ key_columns[0] }} is null
{%- endmacro %}


{% macro keys_to_build_relation() %}
    {#- The temporary relation delete_rows_of_outdated_versions leaves for the
        model being built: named after the model, so that models built side by
        side never meet. It lives in the session, which outlives the model
        (the next build replaces it). -#}
    {{- return(this.identifier ~ '__keys_to_build') -}}
{%- endmacro %}


{% macro create_session_table(name, query) %}
    {{ return(adapter.dispatch('create_session_table', 'customer360')(name, query)) }}
{%- endmacro %}

{# Spark: a temporary view; its readers compute it again. #}
{% macro default__create_session_table(name, query) -%}
    create or replace temporary view {{ name }} as {{ query }}
{%- endmacro %}

{% macro duckdb__create_session_table(name, query) -%}
    create or replace temporary table {{ name }} as {{ query }}
{%- endmacro %}

{# PostgreSQL has no "or replace" for tables; the session may hold one from an earlier build. #}
{% macro postgres__create_session_table(name, query) -%}
    drop table if exists {{ name }};
    create temporary table {{ name }} as {{ query }}
{%- endmacro %}


{% macro stop_if_version_columns_missing(version_columns) %}
    {#- A table built before the model stored its versions (a table, or an
        earlier form of the model) lacks the version columns: stop with what
        to do, rather than with the engine's message about a missing column. -#}
    {%- set built_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- for expression in version_columns.values() -%}
        {%- if modules.re.fullmatch('[a-z_][a-z0-9_]*', expression | lower) and (expression | lower) not in built_columns -%}
            {{ exceptions.raise_compiler_error(
                this ~ " has no column " ~ expression ~ ", which this version of the project stores on every row "
                ~ "to tell which rows a daily build must compute again; it was built by an earlier version. "
                ~ "Rebuild it once with: dbt build --full-refresh --select " ~ model.name
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro is_key_to_build(key_columns, input_alias, incremental) %}
    {#- A predicate on the input rows aliased `input_alias`: true for every row
        in a full build; in an incremental one, true for the inputs whose key
        the pre-hook (delete_rows_of_outdated_versions) left to build: new
        ones, those it just deleted, and inputs that give no row at all,
        recomputed to no effect. The model passes its own is_incremental(),
        which unit tests can override. -#}
    {%- if incremental -%}
        exists (
            select 1
            from {{ customer360.keys_to_build_relation() }} as keys_to_build
            where {{ customer360.columns_equal(key_columns, 'keys_to_build', input_alias) }}
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}


{% macro has_no_row_built(key_columns, input_alias, incremental) %}
    {#- A predicate on the input rows aliased `input_alias`: true for every row
        in a full build; in an incremental one, true for the inputs whose key
        has no row in the model: new ones and those the pre-hook just deleted
        (and inputs that give no row at all, recomputed to no effect). For a
        model whose pre-hook deletes by a rule of its own
        (int_identity_clusters_resolved deletes whole clusters); after
        delete_rows_of_outdated_versions, is_key_to_build reads the same keys
        from what the pre-hook left. The model passes its own is_incremental(),
        which unit tests can override. -#}
    {%- if incremental -%}
        not exists (
            select 1
            from {{ this }} as built
            where {{ customer360.columns_equal(key_columns, 'built', input_alias) }}
        )
    {%- else -%}
        true
    {%- endif -%}
{% endmacro %}


{% macro columns_equal(columns, left_alias, right_alias) -%}
    {#- `left.c = right.c and ...` over the columns, named alike on both sides. -#}
    {%- for column in columns -%}
        {{ left_alias }}.{{ column }} = {{ right_alias }}.{{ column }}{% if not loop.last %} and {% endif %}
    {%- endfor -%}
{%- endmacro %}


{% macro seeds_fingerprint(seed_columns) %}
    {#- One digest of the whole content of some seeds, as a scalar subquery:
        `seed_columns` maps each seed's name to its columns. A row computed
        under rules from these seeds stores it, so that a changed rule
        recomputes every row. -#}
    {%- set parts = [] -%}
    {%- for seed_name in seed_columns -%}
        {%- if not loop.first %}{% do parts.append("'/'") %}{% endif -%}
        {%- do parts.append('seed_' ~ loop.index ~ '.fingerprint') -%}
    {%- endfor -%}
    (
        select {{ customer360.md5_digest(dbt.concat(parts)) }}
        from
        {%- for seed_name, columns in seed_columns.items() %}
            (
                select {{ customer360.group_fingerprint(columns) }} as fingerprint
                from {{ ref(seed_name) }}
            ) as seed_{{ loop.index }}
            {% if not loop.last %}cross join{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
