{#
    One row per customer for BI tools: no direct PII in clear. Contact points
    appear masked for display and as keyed hashes for joining (the key comes
    from the C360_HASH_KEY environment variable); the clear golden record is
    in restricted.dim_customers_restricted.

    Built per customer, like the golden record it reads: a daily build
    rewrites the customers whose records_fingerprint changed, and every
    customer after a change of C360_HASH_KEY (see
    macros/customers/customer_grain_incremental.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_outdated_customers(
            ref('int_customers_survived'), many_rows_per_key=false, keyed_hashes=true, deletion_log_columns=['customer_id']
        ) }}",
    )
}}

with

customers as (

    select *
    from {{ ref('int_customers_survived') }}
    where {{ is_customer_to_build(is_incremental()) }}

),

final as (

    select
        customer_id,
        {{ mask_email('email') }} as email_masked,
        {{ keyed_hash('email') }} as email_hash,
        email_verification_level,
        email_source_table,
        email_source_record_id,
        {{ mask_phone('phone') }} as phone_masked,
        {{ keyed_hash('phone') }} as phone_hash,
        phone_verification_level,
        phone_source_table,
        phone_source_record_id,
        {{ keyed_hash('loyalty_card_number') }} as loyalty_card_hash,
        gender,
        gender_source_table,
        city,
        city_source_table,
        postal_code,
        postal_code_source_table,
        country_code,
        country_code_source_table,
        birth_date_source_table,
        cast({{ dbt.date_trunc('year', 'birth_date') }} as date) as birth_year_start_date,
        source_record_count,
        source_count,
        has_conflicting_loyalty_cards,
        has_conflicting_birth_dates,
        customer_id_created_at,
        first_seen_at,
        last_seen_at,
        records_fingerprint,
        {{ hash_key_fingerprint() }} as hash_key_fingerprint
    from customers

)

select * from final
