{#
    The headline figures per day (UTC), one row for every day from the first
    to the last day the data knows of: nothing reads the wall clock, so a
    rebuild on the same data gives the same rows.

    - Customers: customers known by the end of the day, counted from the day
      of their earliest record (acquisition or first seen, whichever is
      earlier); the last day's count is every customer of dim_customers.
    - Active: placed an order that was not cancelled in the last
      `business_active_days` days, the day itself included. A customer stays
      active for that many days after each order; churned on the day that
      window closes with no new order; reactivated on the first order after
      having churned. Churn rate = customers churned that day / customers
      active the day before.
    - Orders and revenue: every order placed that day (cancelled ones too,
      at net 0), gross and net in the reporting currency, as in fct_orders.
    - NPS: % promoters (9-10) - % detractors (0-6) of the NPS answers
      submitted that day, and over the last `business_nps_trailing_days`
      days, a steadier headline.
#}

{%- set active_days = var('business_active_days') -%}
{%- set nps_days = var('business_nps_trailing_days') -%}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

acquisitions as (

    select * from {{ ref('dim_customer_acquisition') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

customer_first_dates as (

    select
        customers.customer_id,
        cast(
            case
                when customers.first_seen_at is null or acquisitions.acquired_at < customers.first_seen_at
                    then acquisitions.acquired_at
                else customers.first_seen_at
            end
            as date
        ) as first_known_date
    from customers
    left outer join acquisitions
        on customers.customer_id = acquisitions.customer_id

),

nps_answers as (

    select
        cast(submitted_at as date) as submitted_date,
        nps_group
    from surveys
    where survey_type = 'nps'

),

data_bounds as (

    select
        min(first_known_date) as first_date,
        max(first_known_date) as last_date
    from customer_first_dates
    union all
    select
        min(ordered_date) as first_date,
        max(ordered_date) as last_date
    from orders
    union all
    select
        min(submitted_date) as first_date,
        max(submitted_date) as last_date
    from nps_answers

),

bounds as (

    select
        min(first_date) as first_date,
        max(last_date) as last_date
    from data_bounds

),

digits as (

    {% for digit in range(10) %}
        select {{ digit }} as digit
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

{# 0 .. 99,999: some 270 years of days #}
day_numbers as (

    select
        {% for position in range(5) %}
            digits_{{ position }}.digit * {{ 10 ** position }}
            {%- if not loop.last %} +{% endif %}
        {% endfor %} as day_number
    from digits as digits_0
    {% for position in range(1, 5) %}
        cross join digits as digits_{{ position }}
    {% endfor %}

),

days as (

    select cast({{ dbt.dateadd('day', 'day_numbers.day_number', 'bounds.first_date') }} as date) as kpi_date
    from day_numbers
    cross join bounds
    where day_numbers.day_number <= {{ dbt.datediff('bounds.first_date', 'bounds.last_date', 'day') }}

),

purchase_days as (

    select distinct
        customer_id,
        ordered_date
    from orders
    where not is_cancelled and customer_id is not null

),

purchase_gaps as (

    select
        customer_id,
        ordered_date,
        {{ dbt.datediff(
            'lag(ordered_date) over (partition by customer_id order by ordered_date)', 'ordered_date', 'day'
        ) }} as days_since_previous_order
    from purchase_days

),

{# a purchase more than active_days after the previous one starts a new spell of activity #}
purchase_spells as (

    select
        customer_id,
        ordered_date,
        sum(
            case
                when days_since_previous_order is null or days_since_previous_order > {{ active_days }} then 1
                else 0
            end
        ) over (partition by customer_id order by ordered_date rows between unbounded preceding and current row)
            as spell_number
    from purchase_gaps

),

spells as (

    select
        customer_id,
        spell_number,
        min(ordered_date) as spell_start_date,
        {# the first day without an order in the window: churned on that day #}
        cast({{ dbt.dateadd('day', active_days, 'max(ordered_date)') }} as date) as lapse_date
    from purchase_spells
    group by customer_id, spell_number

),

activity_changes as (

    select
        spell_start_date as change_date,
        1 as active_change,
        case when spell_number = 1 then 0 else 1 end as reactivated_count,
        0 as churned_count
    from spells

    union all

    select
        lapse_date as change_date,
        -1 as active_change,
        0 as reactivated_count,
        1 as churned_count
    from spells

),

daily_activity_changes as (

    select
        change_date,
        sum(active_change) as active_change,
        sum(reactivated_count) as reactivated_count,
        sum(churned_count) as churned_count
    from activity_changes
    group by change_date

),

daily_new_customers as (

    select
        first_known_date,
        count(*) as new_customer_count
    from customer_first_dates
    group by first_known_date

),

daily_orders as (

    select
        ordered_date,
        count(*) as order_count,
        count(distinct customer_id) as ordering_customer_count,
        sum(gross_amount_reporting) as gross_revenue_reporting,
        sum(net_amount_reporting) as net_revenue_reporting
    from orders
    group by ordered_date

),

daily_nps as (

    select
        submitted_date,
        count(*) as nps_response_count,
        sum(case when nps_group = 'promoter' then 1 else 0 end) as nps_promoter_count,
        sum(case when nps_group = 'detractor' then 1 else 0 end) as nps_detractor_count
    from nps_answers
    group by submitted_date

),

daily as (

    select
        days.kpi_date,
        coalesce(daily_new_customers.new_customer_count, 0) as new_customer_count,
        coalesce(daily_activity_changes.active_change, 0) as active_change,
        coalesce(daily_activity_changes.reactivated_count, 0) as reactivated_customer_count,
        coalesce(daily_activity_changes.churned_count, 0) as churned_customer_count,
        coalesce(daily_orders.order_count, 0) as order_count,
        coalesce(daily_orders.ordering_customer_count, 0) as ordering_customer_count,
        coalesce(daily_orders.gross_revenue_reporting, 0) as gross_revenue_reporting,
        coalesce(daily_orders.net_revenue_reporting, 0) as net_revenue_reporting,
        coalesce(daily_nps.nps_response_count, 0) as nps_response_count,
        coalesce(daily_nps.nps_promoter_count, 0) as nps_promoter_count,
        coalesce(daily_nps.nps_detractor_count, 0) as nps_detractor_count
    from days
    left outer join daily_new_customers
        on days.kpi_date = daily_new_customers.first_known_date
    left outer join daily_activity_changes
        on days.kpi_date = daily_activity_changes.change_date
    left outer join daily_orders
        on days.kpi_date = daily_orders.ordered_date
    left outer join daily_nps
        on days.kpi_date = daily_nps.submitted_date

),

running as (

    select
        *,
        sum(new_customer_count) over (
            order by kpi_date rows between unbounded preceding and current row
        ) as customer_count,
        sum(active_change) over (
            order by kpi_date rows between unbounded preceding and current row
        ) as active_customer_count,
        sum(nps_response_count) over (
            order by kpi_date rows between {{ nps_days - 1 }} preceding and current row
        ) as nps_trailing_response_count,
        sum(nps_promoter_count - nps_detractor_count) over (
            order by kpi_date rows between {{ nps_days - 1 }} preceding and current row
        ) as nps_trailing_net_promoter_count
    from daily

),

with_previous as (

    select
        *,
        lag(active_customer_count) over (order by kpi_date) as previous_active_customer_count
    from running

),

{# NPS rounded by size, then signed: halves round away from zero on every engine #}
scored as (

    select
        *,
        case when nps_promoter_count < nps_detractor_count then -1 else 1 end as nps_sign,
        abs(cast(nps_promoter_count - nps_detractor_count as numeric(18, 4))) * 100
        / nullif(nps_response_count, 0) as nps_magnitude,
        case when nps_trailing_net_promoter_count < 0 then -1 else 1 end as nps_trailing_sign,
        abs(cast(nps_trailing_net_promoter_count as numeric(18, 4))) * 100
        / nullif(nps_trailing_response_count, 0) as nps_trailing_magnitude,
        cast(churned_customer_count as numeric(18, 6)) / nullif(previous_active_customer_count, 0) as churn_ratio
    from with_previous

),

final as (

    select
        kpi_date,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        cast(customer_count as bigint) as customer_count,
        cast(new_customer_count as bigint) as new_customer_count,
        cast(active_customer_count as bigint) as active_customer_count,
        cast(reactivated_customer_count as bigint) as reactivated_customer_count,
        cast(churned_customer_count as bigint) as churned_customer_count,
        cast({{ round_half_up('churn_ratio', 6) }} as numeric(9, 6)) as churn_rate,
        cast(order_count as bigint) as order_count,
        cast(ordering_customer_count as bigint) as ordering_customer_count,
        cast(gross_revenue_reporting as numeric(18, 2)) as gross_revenue_reporting,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(nps_response_count as bigint) as nps_response_count,
        cast(nps_promoter_count as bigint) as nps_promoter_count,
        cast(nps_detractor_count as bigint) as nps_detractor_count,
        cast(nps_sign * {{ round_half_up('nps_magnitude', 2) }} as numeric(9, 2)) as nps_score,
        cast(nps_trailing_response_count as bigint) as nps_trailing_response_count,
        cast(nps_trailing_sign * {{ round_half_up('nps_trailing_magnitude', 2) }} as numeric(9, 2))
            as nps_score_trailing
    from scored

)

select * from final
