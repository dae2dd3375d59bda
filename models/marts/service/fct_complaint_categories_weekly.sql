{#
    Support tickets per week of opening (Monday start, UTC), segment and
    ticket category: how many, how many are still open, how many were
    resolved and how long resolving took. Segments are the customers'
    current ones; tickets without a customer or segment fall in `unassigned`.
#}

with

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

weekly as (

    select
        created_week_start_date as week_start_date,
        rfm_segment,
        value_tier,
        ticket_category,
        max(case when is_complaint then 1 else 0 end) as is_complaint,
        count(*) as ticket_count,
        sum(case when is_open then 1 else 0 end) as open_ticket_count,
        count(resolution_hours) as resolved_ticket_count,
        sum(resolution_hours) as resolution_hours_total
    from tickets
    group by created_week_start_date, rfm_segment, value_tier, ticket_category

),

final as (

    select
        week_start_date,
        rfm_segment,
        value_tier,
        ticket_category,
        cast(ticket_count as bigint) as ticket_count,
        cast(open_ticket_count as bigint) as open_ticket_count,
        cast(resolved_ticket_count as bigint) as resolved_ticket_count,
        cast(resolution_hours_total as numeric(18, 2)) as resolution_hours_total,
        cast(
            {{ round_half_up('resolution_hours_total / nullif(resolved_ticket_count, 0)', 2) }}
            as numeric(18, 2)
        ) as average_resolution_hours,
        is_complaint = 1 as is_complaint
    from weekly

)

select * from final
