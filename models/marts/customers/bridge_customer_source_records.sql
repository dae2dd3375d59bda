{#
    From each customer to every source record that belongs to it (one row per
    record that went through identity resolution).

    Built by version (macros/incremental/rows_by_version.sql), as the records
    it copies are: a row stands while its record's customer and observed_at
    do. A daily build compares only the records that int_customer_records_assigned
    wrote or deleted since this model's latest built_at
    (macros/incremental/changes_since_built.sql) and writes the records left
    without a row, instead of copying 4 million rows again.
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_rows_of_outdated_versions(
            ['record_key'],
            bridge_version_columns(),
            bridge_record_versions(),
            changes=bridge_records_changed_since_built(),
            deletion_log_columns=['record_key'],
        ) }}",
    )
}}

with

all_customer_records as {{ not_materialized() }} (

    select * from {{ ref('int_customer_records_assigned') }}

),

{# in a daily build, the records the pre-hook deleted and new ones #}
customer_records as (

    select *
    from all_customer_records
    where {{ is_key_to_build(['record_key'], 'all_customer_records', is_incremental()) }}

),

final as (

    select
        customer_id,
        record_key,
        source_table,
        source_record_id,
        observed_at,
        {{ run_started_at_second() }} as built_at
    from customer_records

)

select * from final
