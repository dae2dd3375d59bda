{#
    The daily headline figures count every customer of dim_customers once
    (new customers add up to them, and the last day's cumulative count is
    them all) and every NPS answer staging serves once (answers, promoters,
    detractors). A row returned names the measure that differs.
#}

with

metrics as (

    select * from {{ ref('fct_north_star_metrics_daily') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

last_day as (

    select customer_count
    from metrics
    where kpi_date = (select max(kpi_date) from metrics)

),

expected as (

    select 'customers' as measure, count(*) as expected_count from customers
    union all
    select 'nps_answers' as measure, count(*) as expected_count from surveys where survey_type = 'nps'
    union all
    select 'nps_promoters' as measure, count(*) as expected_count from surveys where nps_group = 'promoter'
    union all
    select 'nps_detractors' as measure, count(*) as expected_count from surveys where nps_group = 'detractor'

),

actual as (

    select 'customers' as measure, sum(new_customer_count) as actual_count from metrics
    union all
    select 'last_day_customers' as measure, max(customer_count) as actual_count from last_day
    union all
    select 'nps_answers' as measure, sum(nps_response_count) as actual_count from metrics
    union all
    select 'nps_promoters' as measure, sum(nps_promoter_count) as actual_count from metrics
    union all
    select 'nps_detractors' as measure, sum(nps_detractor_count) as actual_count from metrics

),

compared as (

    select
        actual.measure,
        actual.actual_count,
        expected.expected_count
    from actual
    left outer join expected
        on
            actual.measure = expected.measure
            or (actual.measure = 'last_day_customers' and expected.measure = 'customers')

)

select *
from compared
where expected_count is null or actual_count is null or actual_count <> expected_count
