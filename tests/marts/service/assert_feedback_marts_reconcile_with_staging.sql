{#
    Every survey answer and every ticket served by staging is counted once
    in the feedback marts: answers per survey type in fct_feedback_responses
    and in fct_feedback_weekly, tickets in fct_support_tickets,
    fct_feedback_weekly and fct_complaint_categories_weekly. A row returned
    names the measure and the mart that differ.
#}

with

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

tickets as (

    select * from {{ ref('stg_support__tickets') }}

),

responses as (

    select * from {{ ref('fct_feedback_responses') }}

),

support_tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

weekly as (

    select * from {{ ref('fct_feedback_weekly') }}

),

complaint_categories as (

    select * from {{ ref('fct_complaint_categories_weekly') }}

),

staged as (

    select
        survey_type as measure,
        count(*) as staged_count
    from surveys
    group by survey_type
    union all
    select
        'ticket' as measure,
        count(*) as staged_count
    from tickets

),

counted as (

    select
        'fct_feedback_responses' as mart,
        survey_type as measure,
        count(*) as mart_count
    from responses
    group by survey_type
    union all
    select 'fct_support_tickets' as mart, 'ticket' as measure, count(*) as mart_count from support_tickets
    {% for measure, column in [
        ('nps', 'nps_response_count'), ('csat', 'csat_response_count'),
        ('review', 'review_count'), ('ticket', 'ticket_count'),
    ] %}
        union all
        select 'fct_feedback_weekly' as mart, '{{ measure }}' as measure, sum({{ column }}) as mart_count from weekly
    {% endfor %}
    union all
    select
        'fct_complaint_categories_weekly' as mart,
        'ticket' as measure,
        sum(ticket_count) as mart_count
    from complaint_categories

),

compared as (

    select
        counted.mart,
        counted.measure,
        counted.mart_count,
        coalesce(staged.staged_count, 0) as staged_count
    from counted
    left outer join staged
        on counted.measure = staged.measure

)

select *
from compared
where coalesce(mart_count, 0) <> staged_count
