{# The key of an SCD2 relation as a list: one column or several. #}
{% macro scd2_key_columns(unique_key) -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- if keys | length == 0 -%}
        {{ exceptions.raise_compiler_error("scd2 tests: unique_key must name at least one column") }}
    {%- endif -%}
    {{ return(keys) }}
{%- endmacro %}


{#
    The keys an SCD2 test of a snapshot reads. A snapshot run writes only its
    own recording time, into the versions it adds and the ones it closes, and
    never an earlier time than one already written
    (assert_history_moves_forward): a key with no version stamped after time
    C is as it was at C. So once every key has passed at C, a later check
    need only read the keys with a version stamped after C. The daily
    pipeline sets C360_HISTORY_CHECKED_THROUGH to the recording time of the
    last day it completed, every test of which passed; unset, and whenever a
    test does not ask for it (`changed_keys_only`), every key is read. The
    history marts hold a snapshot's rows with their times and ask for it too
    (docs/history.md says what still reads their every key).

    A where-condition on the tested relation, which the test reads under the
    alias `versions`.
#}
{% macro version_recorded_after(versions, valid_from, valid_to, checked_through) -%}
    {#- A history's version added or closed after checked_through: the later
        of its two times, which is the recording time of the run that last
        wrote it. -#}
    coalesce({{ versions }}.{{ valid_to }}, {{ versions }}.{{ valid_from }}) > {{ checked_through }}
{%- endmacro %}


{% macro scd2_keys_to_check(model, keys, valid_from, valid_to, changed_keys_only) -%}
    {#- read while the test runs only: a variable dbt reads while parsing is one it parses again for -#}
    {%- set checked_through = customer360.utc_time_from_env('C360_HISTORY_CHECKED_THROUGH') if execute else none -%}
    {%- if changed_keys_only and checked_through is not none -%}
        exists (
            select 1
            from {{ model }} as changed_versions
            where
                {%- for key in keys %}
                changed_versions.{{ key }} = versions.{{ key }}
                and
                {%- endfor %}
                {{ customer360.version_recorded_after('changed_versions', valid_from, valid_to, checked_through) }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#
    Counting current rows per key, not only looking for two: a key whose
    versions are all closed has lost its current row (a delete handled as
    `invalidate`, or a broken merge), which breaks "one row per customer now".
#}
{% macro default__test_scd2_one_current_row(model, unique_key, valid_from, valid_to, changed_keys_only) %}
    {%- set keys = customer360.scd2_key_columns(unique_key) %}

with current_rows_per_key as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        count(*) as version_count,
        sum(case when {{ valid_to }} is null then 1 else 0 end) as current_row_count
    from {{ model }} as versions
    where {{ customer360.scd2_keys_to_check(model, keys, valid_from, valid_to, changed_keys_only) }}
    group by {{ keys | join(', ') }}

)

select * from current_rows_per_key
where current_row_count <> 1

{% endmacro %}


{#
    Each version must end exactly where the next one starts: an end before
    the next start is a gap (a time with no known state), an end after it or
    an open version that is not the last is an overlap (two states at once).
    Two versions with the same start are an overlap too: in start order each
    of them meets the other as its neighbour, so `lag` and `lead` over the one
    window find both without a second window per (key, start), which cost as
    much again (4.6 M segment versions: 6.1 to 3.1 CPU seconds).
#}
{% macro default__test_scd2_windows_contiguous(model, unique_key, valid_from, valid_to, changed_keys_only) %}
    {%- set keys = customer360.scd2_key_columns(unique_key) %}

with windows as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {{ valid_from }} as window_start,
        {{ valid_to }} as window_end,
        lag({{ valid_from }}) over (
            partition by {{ keys | join(', ') }}
            order by {{ valid_from }}
        ) as previous_window_start,
        lead({{ valid_from }}) over (
            partition by {{ keys | join(', ') }}
            order by {{ valid_from }}
        ) as next_window_start
    from {{ model }} as versions
    where {{ customer360.scd2_keys_to_check(model, keys, valid_from, valid_to, changed_keys_only) }}

),

problems as (

    select
        windows.*,
        case
            when window_start is null then 'missing_start'
            when window_start = previous_window_start or window_start = next_window_start then 'shared_start'
            when next_window_start is not null and window_end is null then 'open_version_not_last'
            when next_window_start is not null and window_end < next_window_start then 'gap'
            when next_window_start is not null and window_end > next_window_start then 'overlap'
        end as problem
    from windows

)

select * from problems
where problem is not null

{% endmacro %}


{#
    A version identical to the one before it records no change: what a
    snapshot run on unchanged data, or a rerun with a broken change check,
    would append. The compared columns are all columns of the relation but the
    excluded bookkeeping ones, read when the test runs. Their digest is only
    compared within this query, so it need not be stable (comparison_digest).
#}
{% macro default__test_scd2_versions_differ(model, unique_key, valid_from, valid_to, exclude_columns, changed_keys_only) %}
    {%- set keys = customer360.scd2_key_columns(unique_key) -%}
    {%- set excluded = (exclude_columns + [valid_from]) | map('lower') | list -%}
    {%- set compared_columns = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- if column.name | lower not in excluded -%}
                {%- do compared_columns.append(adapter.quote(column.name)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if compared_columns | length == 0 -%}
            {{ exceptions.raise_compiler_error("scd2_versions_differ: no columns to compare in " ~ model ~ " (not built yet?)") }}
        {%- endif -%}
    {%- else -%}
        {%- do compared_columns.extend(keys) -%}
    {%- endif %}

with versions as (

    select
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {{ valid_from }} as version_start,
        {{ customer360.comparison_digest(compared_columns) }} as version_digest
    from {{ model }} as versions
    where {{ customer360.scd2_keys_to_check(model, keys, valid_from, valid_to, changed_keys_only) }}

),

compared as (

    select
        versions.*,
        lag(version_digest) over (
            partition by {{ keys | join(', ') }}
            order by version_start
        ) as previous_version_digest
    from versions

)

select * from compared
where version_digest = previous_version_digest

{% endmacro %}


{#
    Right after a snapshot, its live current versions are exactly the rows of
    the model it snapshots: compared on every column of that model (read when
    the test runs), in both directions. A key gone from the model must be
    current only as a deletion, which the filter leaves out. One group-by over
    both sides counts each distinct row on either side, so a row differs when
    its two counts do: one pass instead of an `except` each way (1.1 M golden
    records: 4.9 to 3.2 CPU seconds), and an exact comparison of multisets.
#}
{% macro default__test_scd2_current_matches_source(model, source_model, current_filter) %}
    {%- set compared_columns = customer360.scd2_compared_columns(source_model) %}

with

{{ customer360.scd2_rows_counted_on_both_sides(model, source_model, current_filter, compared_columns) }}

{{ customer360.scd2_rows_whose_counts_differ() }}

{% endmacro %}


{#
    DuckDB: both sides are first counted by a 64-bit hash of the row (one
    integer instead of a dozen or more columns), and only the rows whose hash
    counts differ are counted by their values. CPU seconds at 1,000,000
    customers, both forms timed in turn on the warehouse after a daily build:
    1.1 M golden-record versions 2.7 and 3.3 against 0.9 and 1.1, 4.6 M
    segment memberships 3.3 and 3.8 against 1.5 and 1.6. Unlike the first
    form, this one can miss a difference: a source row and a current version
    that differ yet share a hash would count as the same row. That takes a
    collision of DuckDB's 64-bit hash between those two rows, about one
    chance in 2^64 per pair, the odds the fingerprints of incremental builds
    already rest on (macros/hashing/group_fingerprint.sql).
#}
{% macro duckdb__test_scd2_current_matches_source(model, source_model, current_filter) %}
    {%- set compared_columns = customer360.scd2_compared_columns(source_model) %}
    {%- set digest = customer360.comparison_digest(compared_columns) %}

with

digests_counted_on_both_sides as (

    select
        {{ digest }} as row_digest,
        1 as is_source_row,
        0 as is_live_current_version
    from {{ source_model }}
    union all
    select
        {{ digest }} as row_digest,
        0 as is_source_row,
        1 as is_live_current_version
    from {{ model }}
    where {{ current_filter }}

),

differing_digests as (

    select row_digest
    from digests_counted_on_both_sides
    group by row_digest
    having sum(is_source_row) <> sum(is_live_current_version)

),

{{ customer360.scd2_rows_counted_on_both_sides(
    model, source_model, current_filter, compared_columns,
    row_filter=digest ~ ' in (select differing_digests.row_digest from differing_digests)',
) }}

{{ customer360.scd2_rows_whose_counts_differ() }}

{% endmacro %}


{% macro scd2_compared_columns(source_model) %}
    {#- Every column of source_model, quoted, read while the test runs. -#}
    {%- set compared_columns = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(source_model) -%}
            {%- do compared_columns.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        {%- if compared_columns | length == 0 -%}
            {{ exceptions.raise_compiler_error("scd2_current_matches_source: no columns in " ~ source_model ~ " (not built yet?)") }}
        {%- endif -%}
    {%- else -%}
        {%- do compared_columns.append('1') -%}
    {%- endif -%}
    {{ return(compared_columns) }}
{% endmacro %}


{% macro scd2_rows_counted_on_both_sides(model, source_model, current_filter, compared_columns, row_filter=none) %}
    {#- Two CTEs, both_sides and counted: each distinct row of the source and of
        the live current versions (of those passing row_filter) with how often
        it appears on each side. -#}
both_sides as (

    select
        {{ compared_columns | join(', ') }},
        1 as is_source_row,
        0 as is_live_current_version
    from {{ source_model }}
    {%- if row_filter %}
    where {{ row_filter }}
    {%- endif %}
    union all
    select
        {{ compared_columns | join(', ') }},
        0 as is_source_row,
        1 as is_live_current_version
    from {{ model }}
    where
        ({{ current_filter }})
        {%- if row_filter %}
        and {{ row_filter }}
        {%- endif %}

),

counted as (

    select
        {{ compared_columns | join(', ') }},
        sum(is_source_row) as source_rows,
        sum(is_live_current_version) as live_current_versions
    from both_sides
    group by {{ compared_columns | join(', ') }}

)
{%- endmacro %}


{% macro scd2_rows_whose_counts_differ() %}
    {#- The test's result over `counted`: each row whose two counts differ, and why. -#}
select
    case
        when source_rows > live_current_versions
            then 'source row without an identical live current version'
        else 'live current version that is not a source row'
    end as problem,
    counted.*
from counted
where source_rows <> live_current_versions
{%- endmacro %}
