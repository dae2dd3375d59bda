{#
    The golden record as history keeps it (through int_customers_for_history,
    the input of snp_customers):
    - masked and keyed-hashed like dim_customers, so history never holds
      clear contact details;
    - erased customers left out, so the snapshot closes their history with a
      deletion version (hard_deletes: new_record);
    - without what changes with every purchase or visit (record and source
      counts, last seen, provenance record ids: the most recent record wins
      and moves with each order), which would add a version per purchase
      without anything known about the person having changed.

    Built per customer, like dim_customers: each row stores the records
    fingerprint of the golden record it was computed from and the hash key
    it was hashed with, and a daily build rewrites only the customers whose
    fingerprint changed, who were erased or who came back, and every
    customer after a change of C360_HASH_KEY
    (macros/customers/customer_grain_incremental.sql). Those two columns
    change without anything known about the customer changing (a new order
    changes the fingerprint), so the snapshot reads int_customers_for_history,
    which leaves them out.
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_outdated_customers(history_customer_versions(), many_rows_per_key=false, keyed_hashes=true) }}",
    )
}}

with

customers as (

    select *
    from {{ ref('int_customers_survived') }}
    where {{ is_customer_to_build(is_incremental()) }}

),

consents as (

    select * from {{ ref('int_customer_consents_resolved') }}

),

final as (

    select
        customers.customer_id,
        {{ mask_email('customers.email') }} as email_masked,
        {{ keyed_hash('customers.email') }} as email_hash,
        customers.email_verification_level,
        customers.email_source_table,
        {{ mask_phone('customers.phone') }} as phone_masked,
        {{ keyed_hash('customers.phone') }} as phone_hash,
        customers.phone_verification_level,
        customers.phone_source_table,
        {{ keyed_hash('customers.loyalty_card_number') }} as loyalty_card_hash,
        customers.gender,
        customers.gender_source_table,
        customers.city,
        customers.city_source_table,
        customers.postal_code,
        customers.postal_code_source_table,
        customers.country_code,
        customers.country_code_source_table,
        customers.birth_date_source_table,
        customers.has_conflicting_loyalty_cards,
        customers.has_conflicting_birth_dates,
        cast({{ dbt.date_trunc('year', 'customers.birth_date') }} as date) as birth_year_start_date,
        customers.customer_id_created_at,
        customers.first_seen_at,
        customers.records_fingerprint,
        {{ hash_key_fingerprint() }} as hash_key_fingerprint
    from customers
    left outer join consents
        on customers.customer_id = consents.customer_id
    where not coalesce(consents.is_erased, false)

)

select * from final
