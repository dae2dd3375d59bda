{#
    Every served source row reaches the timeline, none twice: per source
    table, the touches in fct_customer_interactions equal the count expected
    from staging (loyalty changes, derived from versions, are left out). A row
    returned names the source table whose counts differ.
#}

with

web_events as (

    select * from {{ ref('stg_web__events') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

email_events as (

    select * from {{ ref('stg_email__events') }}

),

social_interactions as (

    select * from {{ ref('stg_social__interactions') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

loyalty_members as (

    select * from {{ ref('stg_loyalty__members') }}

),

interactions as (

    select * from {{ ref('fct_customer_interactions') }}

),

expected as (

    select 'web_events' as source_table, count(*) as touch_count from web_events
    union all
    select
        'shop_orders' as source_table,
        count(*) + sum(case when order_status in ('cancelled', 'returned') then 1 else 0 end) as touch_count
    from orders
    union all
    select 'email_events' as source_table, count(*) as touch_count from email_events
    union all
    select 'social_interactions' as source_table, count(*) as touch_count from social_interactions
    union all
    select 'support_tickets' as source_table, count(*) + count(resolved_at) as touch_count from tickets
    union all
    select 'support_surveys' as source_table, count(*) as touch_count from surveys
    union all
    select 'loyalty_members' as source_table, count(*) as touch_count from loyalty_members

),

found as (

    select
        source_table,
        count(*) as touch_count
    from interactions
    where interaction_type not in ('loyalty_tier_changed', 'loyalty_points_changed')
    group by source_table

)

select
    coalesce(expected.source_table, found.source_table) as source_table,
    expected.touch_count as expected_touch_count,
    found.touch_count as found_touch_count
from expected
full outer join found
    on expected.source_table = found.source_table
where
    coalesce(expected.touch_count, 0) <> coalesce(found.touch_count, 0)
