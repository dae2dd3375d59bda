{#
    Changes since built: a model built by version can find the keys whose
    version may have changed since its own last build from what its inputs
    record, instead of computing every key's version and comparing it with
    every row (macros/incremental/rows_by_version.sql). An input records its
    changes in two ways:

    - the rows it writes carry the run that wrote them (`built_at`,
      run_started_at_second), so the keys it wrote since are a filter on a
      stamp;
    - the rows it deletes go to its deletion log (`<model>__deletions`), with
      the columns its readers look them up by and the run that deleted them:
      a key that only loses rows, or leaves the input, is found there.

    The reader then compares the versions of those keys alone, those changed
    after its own latest `built_at`: a stamp is the invocation's start to the
    second, its own build saw what its inputs wrote earlier in the same
    invocation, and a later invocation starts in a later second (one run over
    the same models at a time). Taking in too many keys costs time and
    changes nothing, since a key whose version stands keeps its rows; missing
    one would keep an outdated row.
    So the reader falls back to comparing every key whenever the record may
    be incomplete: the log starts with a row stamped with the run that
    created it, and a log that starts after the reader's last build (the
    input was rebuilt whole since, or kept no log then), a missing log, an
    empty reader, or rules (seeds) changed since, all mean the full
    comparison. See docs/identity_resolution.md, "Built by version".
#}

{% macro deletion_log(relation) %}
    {#- The deletion log of the model stored in `relation`: a table beside it,
        `<model>__deletions`. -#}
    {{- return(api.Relation.create(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier ~ '__deletions',
        type='table',
    )) -}}
{%- endmacro %}


{% macro start_deletion_log(logged_columns) %}
    {#- Pre-hook part, for a model whose readers follow its deletions. The log
        starts with a start row (logged columns null): nothing before its
        stamp can be told from the log. A full build makes a new log,
        started with this run; an incremental build makes one the same way if
        it is missing (a warehouse built before the model kept one), and drops
        the entries older than var deletion_log_days, moving the start row to
        that cutoff: a reader that built before it compares every key, as it
        must. A log kept with other columns (by an earlier version of the
        model) starts again the same way. Logged values are kept as text, so
        that the log can be made before the model's table exists. -#}
    {%- set log = customer360.deletion_log(this) -%}
    {%- set cutoff = dbt.dateadd('day', -(var('deletion_log_days') | int), customer360.run_started_at_second()) -%}
    {%- if not is_incremental() or not customer360.deletion_log_has_columns(log, logged_columns) %}
    drop table if exists {{ log }};
    {%- endif %}
    create table if not exists {{ log }} (
        {%- for column in logged_columns %}
        {{ column }} {{ dbt.type_string() }},
        {%- endfor %}
        deleted_at {{ dbt.type_timestamp() }}
    );
    {{ customer360.insert_deletion_log_start(log, logged_columns, customer360.run_started_at_second(), 'true') }};
    {%- if is_incremental() %}
    delete from {{ log }} where deleted_at < {{ cutoff }};
    {{ customer360.insert_deletion_log_start(log, logged_columns, cutoff, logged_columns[0] ~ ' is null') }}
    {%- endif %}
{%- endmacro %}


{% macro deletion_log_has_columns(log, logged_columns) %}
    {#- Whether the deletion log `log` is missing or has exactly the logged
        columns and `deleted_at`, read from the warehouse (not dbt's cache). -#}
    {%- if not execute or adapter.get_relation(database=log.database, schema=log.schema, identifier=log.identifier) is none -%}
        {{- return(true) -}}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(log) | map(attribute='name') | map('lower') | list -%}
    {{- return(columns == logged_columns + ['deleted_at']) -}}
{%- endmacro %}


{% macro insert_deletion_log_start(log, logged_columns, started_at, unless) %}
    {#- The start row of a deletion log, stamped `started_at`, unless a row
        of the log passes `unless`. -#}
    insert into {{ log }} ({{ logged_columns | join(', ') }}, deleted_at)
    select
        {%- for column in logged_columns %}
        cast(null as {{ dbt.type_string() }}),
        {%- endfor %}
        {{ started_at }}
    where not exists (select 1 from {{ log }} where {{ unless }})
{%- endmacro %}


{% macro record_deletions(key_columns, logged_columns) %}
    {#- Pre-hook part, before the delete of delete_rows_of_outdated_versions:
        the rows about to go, as the logged columns of each and this run.
        When every logged column is a key column, the outdated keys in
        keys_to_build already hold them, and the model's table is not read.
        Rows whose first logged column is null are left out. -#}
    {%- set logged_from_keys = logged_columns | reject('in', key_columns) | list | length == 0 %}
    insert into {{ customer360.deletion_log(this) }} ({{ logged_columns | join(', ') }}, deleted_at)
    select distinct
        {%- for column in logged_columns %}
        cast(built.{{ column }} as {{ dbt.type_string() }}),
        {%- endfor %}
        {{ customer360.run_started_at_second() }}
    {%- if logged_from_keys %}
    from {{ customer360.keys_to_build_relation() }} as built
    where built.is_outdated
    {%- else %}
    from {{ this }} as built
    where
        {# a null there marks the log's start row #}
        built.{{ logged_columns[0] }} is not null
        and ({% for column in key_columns %}built.{{ column }}{{ ', ' if not loop.last }}{% endfor %}) in (
        select
            {%- for column in key_columns %}
            keys_to_build.{{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ customer360.keys_to_build_relation() }} as keys_to_build
        where keys_to_build.is_outdated
    )
    {%- endif %}
{%- endmacro %}


{% macro deletions_since(relation, logged_columns, since, inclusive=false) %}
    {#- The logged columns of the rows deleted from `relation` after
        `since` (a timestamp expression; at or after it with `inclusive`), as
        a query without the log's start row. -#}
    select {{ logged_columns | join(', ') }}
    from {{ customer360.deletion_log(relation) }}
    where
        deleted_at {{ '>=' if inclusive else '>' }} {{ since }}
        and {{ logged_columns[0] }} is not null
{%- endmacro %}


{% macro written_or_deleted_since(relation, columns, since, stamp_column='built_at', row_filter='true') %}
    {#- A query of `columns` of the rows of `relation` written after `since`
        (its `stamp_column`, the run that wrote a row) and passing
        `row_filter`, and of those its deletion log holds since: the keys a
        reader of `relation` may see changed. -#}
    select {{ columns | join(', ') }} from {{ relation }} where {{ stamp_column }} > {{ since }} and {{ row_filter }}
    union
    {{ customer360.deletions_since(relation, columns, since) }}
{%- endmacro %}


{% macro rules_stand(fingerprint_column, seed_columns) %}
    {#- A boolean expression: every row of the model being built stores, in
        `fingerprint_column`, the seeds_fingerprint of `seed_columns` as they
        are now (rules changed since would change every key's version, which
        no input's record of changes shows). -#}
    {{- return(customer360.fingerprint_stands(fingerprint_column, customer360.seeds_fingerprint(seed_columns))) -}}
{%- endmacro %}


{% macro fingerprint_stands(fingerprint_column, current_fingerprint) %}
    {#- A boolean expression: every row of the model being built stores, in
        `fingerprint_column`, the value of `current_fingerprint` (a scalar
        expression, such as the digest of the rules its rows follow). -#}
    not exists (
        select 1
        from {{ this }}
        where {{ fingerprint_column }} <> {{ current_fingerprint }}
    )
{%- endmacro %}


{% macro deletion_log_covers(relation, since) %}
    {#- A boolean expression: true when the deletion log of `relation` holds
        every deletion after `since`: it started no later.
        False when the log is missing (looked up in dbt's cache of the
        warehouse, which a log made earlier in the same invocation is not in:
        that too means the full comparison). -#}
    {%- set log = customer360.deletion_log(relation) -%}
    {#- Spark's base models merge (base_incremental_strategy), which logs nothing it replaces. A
        unit test's input is rows, not a stored relation: it has no schema and no log. -#}
    {%- if not execute or target.type == 'spark' or log.schema is none
        or adapter.get_relation(database=log.database, schema=log.schema, identifier=log.identifier) is none -%}
        {{- return('false') -}}
    {%- endif -%}
    {{- return('coalesce((select min(deleted_at) from ' ~ log ~ ') <= ' ~ since ~ ', false)') -}}
{%- endmacro %}


{% macro deletion_logs_cover(relations, since) %}
    {#- deletion_log_covers for each of `relations`, joined by `and`: every
        one of their logs holds every deletion after `since`. -#}
    {%- set covered = [] -%}
    {%- for relation in relations -%}
        {%- do covered.append(customer360.deletion_log_covers(relation, since)) -%}
    {%- endfor -%}
    {{- return(covered | join(' and ')) -}}
{%- endmacro %}


{% macro latest_stamp(relation, column) %}
    {#- The latest value of a stamp column in `relation`, read when the hook
        is rendered and given as a timestamp literal, so that a filter on a
        stamp can skip the blocks of older rows, which a subquery would not
        let the engine do; before every possible stamp when the table is
        empty. Outside execution, and where the model is not built
        incrementally (its table may not exist yet, and the value is not
        read), the same as a subquery (latest_mark). -#}
    {%- if not execute or not is_incremental() -%}
        {{- return(customer360.latest_mark(relation, column)) -}}
    {%- endif -%}
    {%- set latest = run_query(
        'select cast(' ~ customer360.latest_mark(relation, column) ~ ' as ' ~ dbt.type_string() ~ ')'
    ).columns[0].values()[0] -%}
    {{- return("cast('" ~ latest ~ "' as " ~ dbt.type_timestamp() ~ ")") -}}
{%- endmacro %}


{% macro changed_keys_relation() %}
    {#- The temporary relation holding the keys a model's build compares
        (changes_since_built), named after the model like keys_to_build. -#}
    {{- return(this.identifier ~ '__changed_keys') -}}
{%- endmacro %}


{% macro is_changed_key(key_columns) %}
    {#- A predicate on unqualified key columns: the key is one of those in
        changed_keys_relation. For the filter argument of a version query. -#}
    ({{ key_columns | join(', ') }}) in (
        select {{ key_columns | join(', ') }}
        from {{ customer360.changed_keys_relation() }}
    )
{%- endmacro %}


{% macro compares_changes_only(changes) %}
    {#- Whether a reader of changes compares only the keys they name
        (changes_are_complete), said in dbt's log either way. -#}
    {%- set complete = customer360.changes_are_complete(changes) -%}
    {%- if execute %}
        {%- do log(this.identifier ~ (
            ': comparing the versions of the keys changed since its last build' if complete
            else ': comparing the versions of every key (its inputs do not record every change since its last build)'
        ), info=true) %}
    {%- endif %}
    {{- return(complete) -}}
{%- endmacro %}


{% macro changes_are_complete(changes) %}
    {#- Whether the record of changes a model was given can stand for a
        comparison of every key: evaluates its `complete` expression. -#}
    {%- if not execute -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set result = run_query('select case when ' ~ changes.complete ~ ' then 1 else 0 end') -%}
    {{- return(result.columns[0].values()[0] == 1) -}}
{%- endmacro %}
