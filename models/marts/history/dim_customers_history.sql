{#
    Every version of every customer's golden record (masked), one row per
    version, read from snp_customers. valid_from / valid_to are when the
    warehouse learned and replaced each state (UTC); a deletion version marks
    a customer erased, merged away or gone from every source. State at an
    instant: customer_state_as_of() or scd2_as_of().

    A daily build rewrites only the versions the snapshot added or closed
    since the mart was last built (macros/history/snapshot_rows_to_build.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='customer_version_id',
        on_schema_change='fail',
    )
}}

with

customer_snapshots as (

    select *
    from
        {{ customer360.snapshot_rows_to_build(
            ref('snp_customers'), 'customer_version_id', is_incremental()
        ) }} as versions

),

final as (

    select
        dbt_scd_id as customer_version_id,
        customer_id,
        email_masked,
        email_hash,
        email_verification_level,
        email_source_table,
        phone_masked,
        phone_hash,
        phone_verification_level,
        phone_source_table,
        loyalty_card_hash,
        gender,
        gender_source_table,
        city,
        city_source_table,
        postal_code,
        postal_code_source_table,
        country_code,
        country_code_source_table,
        birth_date_source_table,
        has_conflicting_loyalty_cards,
        has_conflicting_birth_dates,
        {# rows written before hard_deletes was set carry no flag: they were no deletions #}
        coalesce(dbt_is_deleted = 'True', false) as is_deleted,
        dbt_valid_to is null as is_current,
        birth_year_start_date,
        customer_id_created_at,
        first_seen_at,
        dbt_valid_from as valid_from,
        dbt_valid_to as valid_to
    from customer_snapshots

)

select * from final
