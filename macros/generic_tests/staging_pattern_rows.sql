{#
    What every base model and every quarantine model of the staging pattern
    promises (docs/staging_pattern.md), each said once and tested with one
    node per model. The fourteen base models had four generic tests each and
    the quarantine models five, all reading the same rows: in the daily
    pipeline a data test costs dbt about 25 ms of its own work (compiling,
    events, results) besides the query, mostly holding Python's lock, and the
    identity chain waits for these tests before it can start. Each failing
    row names the check it failed, with its load key (`_batch_id`,
    `_row_number`).
#}

{% macro default__test_base_rows_well_formed(model, quarantine_reasons) %}

with base_rows as (

    select * from {{ model }}

),

known_reasons as (

    {{ customer360.known_quarantine_reasons(quarantine_reasons) }}

),

row_failures as (

    select
        base_rows._batch_id,
        base_rows._row_number,
        case
            when
                base_rows.row_fingerprint is null
                or base_rows.is_exact_duplicate is null
                or base_rows.is_current_version is null
                or base_rows._batch_id is null
                or base_rows._row_number is null
                or base_rows._loaded_at is null
                or base_rows.built_at is null
                then 'a load, fingerprint or version flag column is null'
            when base_rows.quarantine_reason is not null and known_reasons.reason_code is null
                then 'quarantine_reason is not in the quarantine_reasons seed'
            {#- a version number exactly for the usable rows, the first one current -#}
            when not (
                (base_rows.version_number is null)
                = (base_rows.quarantine_reason is not null or base_rows.is_exact_duplicate)
                and base_rows.is_current_version = coalesce(base_rows.version_number = 1, false)
                and coalesce(base_rows.version_number <= base_rows.version_count, true)
            )
                then 'version_number, version_count or is_current_version disagree with the row'
        end as failed_check
    from base_rows
    left outer join known_reasons
        on base_rows.quarantine_reason = known_reasons.reason_code

),

{#- _row_number first: in the daily pipeline only the keys of rows written
    since the last completed day are read, a few rows of each batch
    (rows_to_check_for_repeats) -#}
repeated_rows as (

    {{ customer360.repeated_combinations(
        model, ['_row_number', '_batch_id'],
        row_filter=customer360.rows_to_check_for_repeats(model, ['_row_number', '_batch_id'], 'built_at'),
    ) }}

)

select _batch_id, _row_number, failed_check
from row_failures
where failed_check is not null

union all

select _batch_id, _row_number, 'the load key (_batch_id, _row_number) repeats' as failed_check
from repeated_rows

{% endmacro %}


{% macro default__test_quarantine_rows_well_formed(model, quarantine_reasons, source_name, table_name, reasons=none) %}

with quarantined_rows as (

    select * from {{ model }}

),

known_reasons as (

    {{ customer360.known_quarantine_reasons(quarantine_reasons) }}

),

{#- the view joins the raw table, so it is read once: each row's first
    failed check, then the load keys grouped -#}
checked_rows as (

    select
        quarantined_rows._batch_id,
        quarantined_rows._row_number,
        case
            when
                quarantined_rows.quarantine_reason is null
                or quarantined_rows._batch_id is null
                or quarantined_rows._row_number is null
                or quarantined_rows._loaded_at is null
                then 'quarantine_reason or a load column is null'
            when quarantined_rows.source_name is null or quarantined_rows.source_name <> '{{ source_name }}'
                then 'source_name is not {{ source_name }}'
            when quarantined_rows.table_name is null or quarantined_rows.table_name <> '{{ table_name }}'
                then 'table_name is not {{ table_name }}'
            when known_reasons.reason_code is null
                then 'quarantine_reason is not in the quarantine_reasons seed'
            {%- if reasons %}
            when quarantined_rows.quarantine_reason not in ('{{ reasons | join("', '") }}')
                then 'quarantine_reason is not one that {{ table_name }} gives'
            {%- endif %}
        end as failed_check
    from quarantined_rows
    left outer join known_reasons
        on quarantined_rows.quarantine_reason = known_reasons.reason_code

),

checked_keys as (

    select
        _batch_id,
        _row_number,
        count(*) as row_count,
        min(failed_check) as failed_check
    from checked_rows
    group by _batch_id, _row_number

)

select
    _batch_id,
    _row_number,
    coalesce(failed_check, 'the load key (_batch_id, _row_number) repeats') as failed_check
from checked_keys
where failed_check is not null or row_count > 1

{% endmacro %}


{% macro known_quarantine_reasons(quarantine_reasons) %}
    {#- The distinct reason codes of the quarantine_reasons seed, without a
        null one: a row's reason is known when it joins one of them. -#}
    select distinct reason_code
    from {{ quarantine_reasons }}
    where reason_code is not null
{%- endmacro %}
