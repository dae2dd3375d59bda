{#
    The clear golden contact details and their provenance, for the few roles
    allowed to see PII. Kept in its own schema so access can be granted
    (or not) to the schema as a whole.

    Built per customer, like the golden record it copies: a daily build
    rewrites the customers whose records_fingerprint changed (see
    macros/customers/customer_grain_incremental.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_outdated_customers(ref('int_customers_survived'), many_rows_per_key=false) }}",
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
        first_name,
        first_name_source_table,
        first_name_source_record_id,
        last_name,
        last_name_source_table,
        last_name_source_record_id,
        email,
        email_source_table,
        email_source_record_id,
        email_verification_level,
        phone,
        phone_source_table,
        phone_source_record_id,
        phone_verification_level,
        street_address,
        street_address_source_table,
        street_address_source_record_id,
        city,
        postal_code,
        country_code,
        loyalty_card_number,
        loyalty_card_number_source_table,
        loyalty_card_number_source_record_id,
        birth_date,
        birth_date_source_table,
        birth_date_source_record_id,
        first_name_observed_at,
        last_name_observed_at,
        email_observed_at,
        phone_observed_at,
        street_address_observed_at,
        loyalty_card_number_observed_at,
        birth_date_observed_at,
        records_fingerprint
    from customers

)

select * from final
