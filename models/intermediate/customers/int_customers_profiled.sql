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

{#
    built per customer: only the customers whose fingerprint changed (see the
    macro). A full build reads the table where the records are used rather
    than storing a copy; a daily build stores the few records it reads, so
    that the filter runs once.
#}
customer_records as {{ not_materialized() if not is_incremental() }} (

    select *
    from {{ ref('int_customer_records_assigned') }}
    where {{ is_customer_to_build(is_incremental()) }}

),

customer_fingerprints as (

    select * from {{ ref('int_customer_fingerprints') }}

),

record_totals as (

    select
        customer_id,
        count(*) as source_record_count,
        min(customer_id_created_at) as customer_id_created_at,
        min(observed_at) as first_seen_at,
        max(observed_at) as last_seen_at
    from customer_records
    group by customer_id

),

record_distinct_counts as (

    {{ distinct_counts('customer_records', ['customer_id'], {
        'source_count': 'source_table',
        'loyalty_card_count': 'loyalty_card_number',
        'birth_date_count': 'birth_date',
    }) }}

),

final as (

    select
        record_totals.customer_id,
        record_totals.source_record_count,
        record_distinct_counts.source_count,
        record_distinct_counts.loyalty_card_count,
        record_distinct_counts.birth_date_count,
        record_distinct_counts.loyalty_card_count > 1 as has_conflicting_loyalty_cards,
        record_distinct_counts.birth_date_count > 1 as has_conflicting_birth_dates,
        record_totals.customer_id_created_at,
        record_totals.first_seen_at,
        record_totals.last_seen_at,
        customer_fingerprints.records_fingerprint
    from record_totals
    inner join record_distinct_counts
        on record_totals.customer_id = record_distinct_counts.customer_id
    inner join customer_fingerprints
        on record_totals.customer_id = customer_fingerprints.customer_id

)

select * from final
