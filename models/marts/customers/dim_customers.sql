{#
    One row per customer for BI tools: no direct PII in clear. Contact points
    appear masked for display and as keyed hashes for joining (the key comes
    from the C360_HASH_KEY environment variable); the clear golden record is
    in restricted.dim_customers_restricted.
#}

with

customers as (

    select * from {{ ref('int_customers_survived') }}

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
        last_seen_at
    from customers

)

select * from final
