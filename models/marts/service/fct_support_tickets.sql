{#
    One row per support ticket served by staging, with its customer, whether
    its category is a complaint (ticket_categories seed), whether it is still
    open, and how long it took to resolve. Segment columns are the
    customer's current segment. Subject and description are left out: free
    text may hold personal data.
#}

with

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

customer_records as (

    select * from {{ ref('bridge_customer_source_records') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

ticket_categories as (

    select * from {{ ref('ticket_categories') }}

),

timed_tickets as (

    select
        *,
        {{ dbt.datediff('created_at', 'resolved_at', 'minute') }} as resolution_minutes  -- noqa: LT05
    from tickets

),

final as (

    select
        timed_tickets.ticket_id,
        customer_records.customer_id,
        coalesce(timed_tickets.category, 'unknown') as ticket_category,
        timed_tickets.channel as ticket_channel,
        timed_tickets.priority as ticket_priority,
        timed_tickets.status as ticket_status,
        coalesce(segments.rfm_segment, 'unassigned') as rfm_segment,
        coalesce(segments.value_tier, 'unassigned') as value_tier,
        cast({{ round_half_up('cast(timed_tickets.resolution_minutes as numeric(18, 4)) / 60', 2) }} as numeric(18, 2))
            as resolution_hours,
        coalesce(ticket_categories.is_complaint, false) as is_complaint,
        timed_tickets.is_open,
        cast(timed_tickets.created_at as date) as created_date,
        cast({{ dbt.date_trunc('week', 'timed_tickets.created_at') }} as date) as created_week_start_date,
        timed_tickets.created_at,
        timed_tickets.resolved_at
    from timed_tickets
    left outer join customer_records
        on
            timed_tickets.ticket_id = customer_records.source_record_id
            and customer_records.source_table = 'support_tickets'
    left outer join segments
        on customer_records.customer_id = segments.customer_id
    left outer join ticket_categories
        on timed_tickets.category = ticket_categories.ticket_category

)

select * from final
