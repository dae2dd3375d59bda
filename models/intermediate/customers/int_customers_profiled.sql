{#
    Per customer: how many source records and sources stand behind it, when
    it was first and last seen, and identity conflicts a person should not
    have (two loyalty cards, two birth dates), flagged rather than hidden.
#}

with

customer_records as (

    select * from {{ ref('int_customer_records_assigned') }}

),

final as (

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

)

select * from final
