{#
    Every email event served by staging is counted once in
    fct_campaign_engagement, in total and per event type. A row returned
    names the event type that differs.
#}

{%- set event_types = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained'] -%}

with

email_events as (

    select * from {{ ref('stg_email__events') }}

),

engagement as (

    select * from {{ ref('fct_campaign_engagement') }}

),

staged as (

    select
        event_type,
        count(*) as staged_count
    from email_events
    group by event_type
    union all
    select
        'any' as event_type,
        count(*) as staged_count
    from email_events

),

counted as (

    {% for event_type in event_types %}
        select
            '{{ event_type }}' as event_type,
            sum({{ event_type }}_count) as mart_count
        from engagement
        union all
    {% endfor %}
    select
        'any' as event_type,
        sum(event_count) as mart_count
    from engagement

),

compared as (

    select
        coalesce(staged.event_type, counted.event_type) as event_type,
        coalesce(staged.staged_count, 0) as staged_count,
        coalesce(counted.mart_count, 0) as mart_count
    from staged
    full outer join counted
        on staged.event_type = counted.event_type

)

select *
from compared
where staged_count <> mart_count
