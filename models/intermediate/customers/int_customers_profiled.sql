{#
    Per customer: how many source records and sources stand behind it, when
    it was first and last seen, and identity conflicts a person should not
    have (two loyalty cards, two birth dates), flagged rather than hidden.
#}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_outdated_customers(ref('int_customer_fingerprints')) }}",
    )
}}

with

{# built per customer: only the customers whose fingerprint changed (see the macro) #}
customer_records as (

    select *
    from {{ ref('int_customer_records_assigned') }}
    where {{ is_customer_to_build(ref('int_customer_fingerprints'), is_incremental()) }}

),

customer_fingerprints as (

    select * from {{ ref('int_customer_fingerprints') }}

),

profiled as (

    select
        customer_id,
        count(*) as source_record_count,
        count(distinct source_table) as source_count,
        count(distinct loyalty_card_number) as loyalty_card_count,
        count(distinct birth_date) as birth_date_count,
        count(distinct loyalty_card_number) > 1 as has_conflicting_loyalty_cards,
        count(distinct birth_date) > 1 as has_conflicting_birth_dates,
        min(customer_id_created_at) as customer_id_created_at,
        min(observed_at) as first_seen_at,
        max(observed_at) as last_seen_at
    from customer_records
    group by customer_id

),

final as (

    select
        profiled.*,
        customer_fingerprints.records_fingerprint
    from profiled
    inner join customer_fingerprints
        on profiled.customer_id = customer_fingerprints.customer_id

)

select * from final
