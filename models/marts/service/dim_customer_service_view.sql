{#
    What a service agent needs on one screen, one row per customer of
    dim_customers: contact details masked as there, value tier and segment,
    the last three orders, open tickets, the last CSAT answer and the
    sentiment of recent feedback. No contact detail in clear: agents who need
    one open the restricted mart.

    Recent feedback sentiment: every survey answer (CSAT, review, NPS; +1
    positive, 0 neutral, -1 negative by the feedback_score_bands seed) and
    every complaint ticket (-1; ticket_categories seed) of the last
    `service_recent_feedback_days` days up to the as-of date, summed:
    above 0 `positive`, below 0 `negative`, 0 `neutral`, nothing in the
    window `none`. The as-of date is the segments'.
#}

{%- set recent_days = var('service_recent_feedback_days') -%}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

consents as (

    select * from {{ ref('int_customer_consents_resolved') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

feedback as (

    select * from {{ ref('fct_feedback_responses') }}

),

as_of as (

    select max(segments_as_of_date) as as_of_date
    from segments

),

ranked_orders as (

    select
        customer_id,
        order_status,
        net_amount_reporting,
        ordered_date,
        row_number() over (partition by customer_id order by ordered_at desc, order_id desc) as recency_rank,
        count(*) over (partition by customer_id) as order_count
    from orders
    where customer_id is not null

),

recent_orders as (

    select
        customer_id,
        max(order_count) as order_count,
        count(*) as recent_order_count,
        sum(net_amount_reporting) as recent_orders_net_amount_reporting,
        max(case when recency_rank = 1 then order_status end) as last_order_status,
        max(case when recency_rank = 1 then net_amount_reporting end) as last_order_net_amount_reporting,
        max(case when recency_rank = 1 then ordered_date end) as last_order_date
    from ranked_orders
    where recency_rank <= 3
    group by customer_id

),

ticket_summaries as (

    select
        customer_id,
        sum(case when is_open then 1 else 0 end) as open_ticket_count,
        max(created_at) as last_ticket_created_at
    from tickets
    where customer_id is not null
    group by customer_id

),

ranked_csat as (

    select
        customer_id,
        score,
        submitted_date,
        row_number() over (partition by customer_id order by submitted_at desc, survey_id desc) as recency_rank
    from feedback
    where
        survey_type = 'csat'
        and customer_id is not null

),

recent_signals as (

    select
        feedback.customer_id,
        feedback.sentiment_value
    from feedback
    cross join as_of
    where
        feedback.customer_id is not null
        and feedback.sentiment_value is not null
        and feedback.submitted_date <= as_of.as_of_date
        and feedback.submitted_date > {{ dbt.dateadd('day', -recent_days, 'as_of.as_of_date') }}

    union all

    select
        tickets.customer_id,
        -1 as sentiment_value
    from tickets
    cross join as_of
    where
        tickets.customer_id is not null
        and tickets.is_complaint
        and tickets.created_date <= as_of.as_of_date
        and tickets.created_date > {{ dbt.dateadd('day', -recent_days, 'as_of.as_of_date') }}

),

recent_sentiments as (

    select
        customer_id,
        count(*) as recent_feedback_count,
        sum(case when sentiment_value < 0 then 1 else 0 end) as recent_negative_feedback_count,
        sum(sentiment_value) as recent_sentiment_balance
    from recent_signals
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.email_masked,
        customers.phone_masked,
        segments.value_tier,
        segments.rfm_segment,
        segments.lifecycle_stage,
        recent_orders.last_order_status,
        case
            when recent_sentiments.recent_sentiment_balance > 0 then 'positive'
            when recent_sentiments.recent_sentiment_balance < 0 then 'negative'
            when recent_sentiments.recent_feedback_count > 0 then 'neutral'
            else 'none'
        end as recent_feedback_sentiment,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        cast(coalesce(recent_orders.order_count, 0) as bigint) as order_count,
        cast(coalesce(recent_orders.recent_order_count, 0) as bigint) as recent_order_count,
        cast(recent_orders.recent_orders_net_amount_reporting as numeric(18, 2)) as recent_orders_net_amount_reporting,
        cast(recent_orders.last_order_net_amount_reporting as numeric(18, 2)) as last_order_net_amount_reporting,
        cast(coalesce(ticket_summaries.open_ticket_count, 0) as bigint) as open_ticket_count,
        cast(ranked_csat.score as integer) as last_csat_score,
        cast(coalesce(recent_sentiments.recent_feedback_count, 0) as bigint) as recent_feedback_count,
        cast(coalesce(recent_sentiments.recent_negative_feedback_count, 0) as bigint)
            as recent_negative_feedback_count,
        coalesce(consents.is_erased, false) as is_erased,
        coalesce(consents.marketing_consent_status = 'granted' and not consents.is_erased, false)
            as has_marketing_consent,
        as_of.as_of_date,
        recent_orders.last_order_date,
        ranked_csat.submitted_date as last_csat_date,
        ticket_summaries.last_ticket_created_at
    from customers
    cross join as_of
    left outer join segments
        on customers.customer_id = segments.customer_id
    left outer join consents
        on customers.customer_id = consents.customer_id
    left outer join recent_orders
        on customers.customer_id = recent_orders.customer_id
    left outer join ticket_summaries
        on customers.customer_id = ticket_summaries.customer_id
    left outer join ranked_csat
        on
            customers.customer_id = ranked_csat.customer_id
            and ranked_csat.recency_rank = 1
    left outer join recent_sentiments
        on customers.customer_id = recent_sentiments.customer_id

)

select * from final
