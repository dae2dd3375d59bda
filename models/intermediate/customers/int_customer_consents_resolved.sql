{#
    Consent state per customer and purpose, and whether the customer was
    erased, from the privacy requests resolved to the customer. Rules:
    - a request for purpose `all` speaks for every purpose;
    - rejected requests change nothing;
    - a withdrawal takes effect when it is made (it must be honoured at once),
      a grant only once completed;
    - the latest effective request wins; at the same instant a withdrawal beats
      a grant (the safe reading), then the larger request id;
    - an erasure counts once completed; the earliest completed one is kept.
#}
{%- set purposes = ['marketing', 'analytics', 'profiling'] -%}

with

privacy_requests as (

    select * from {{ ref('stg_privacy__requests') }}

),

customer_records as (

    select * from {{ ref('int_customer_records_assigned') }}

),

customer_requests as (

    select
        customer_records.customer_id,
        privacy_requests.request_id,
        privacy_requests.request_type,
        privacy_requests.purpose,
        privacy_requests.status,
        privacy_requests.requested_at,
        privacy_requests.processed_at
    from privacy_requests
    inner join customer_records
        on
            privacy_requests.request_id = customer_records.source_record_id
            and customer_records.source_table = 'privacy_requests'

),

consent_decisions as (

    {% for purpose in purposes %}
        select
            customer_id,
            request_id,
            '{{ purpose }}' as purpose,
            case request_type when 'consent_granted' then 'granted' else 'withdrawn' end as consent_status,
            case
                when request_type = 'consent_withdrawn' then requested_at
                else coalesce(processed_at, requested_at)
            end as effective_at
        from customer_requests
        where
            purpose in ('{{ purpose }}', 'all')
            and (
                (request_type = 'consent_granted' and status = 'completed')
                or (request_type = 'consent_withdrawn' and status in ('received', 'completed'))
            )
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

ranked_decisions as (

    select
        consent_decisions.*,
        row_number() over (
            partition by consent_decisions.customer_id, consent_decisions.purpose
            order by
                consent_decisions.effective_at desc,
                case consent_decisions.consent_status when 'withdrawn' then 0 else 1 end,
                consent_decisions.request_id desc
        ) as decision_rank
    from consent_decisions

),

erasures as (

    select
        customer_id,
        request_id as erasure_request_id,
        coalesce(processed_at, requested_at) as erased_at,
        row_number() over (
            partition by customer_id
            order by coalesce(processed_at, requested_at), request_id
        ) as erasure_rank
    from customer_requests
    where request_type = 'erasure' and status = 'completed'

),

customers as (

    select customer_id from ranked_decisions
    union
    select customer_id from erasures

),

final as (

    select
        customers.customer_id,
        {% for purpose in purposes %}
            {{ purpose }}_decisions.request_id as {{ purpose }}_consent_request_id,
        {% endfor %}
        erasures.erasure_request_id,
        {% for purpose in purposes %}
            {{ purpose }}_decisions.consent_status as {{ purpose }}_consent_status,
        {% endfor %}
        erasures.customer_id is not null as is_erased,
        {% for purpose in purposes %}
            {{ purpose }}_decisions.effective_at as {{ purpose }}_consent_effective_at,
        {% endfor %}
        erasures.erased_at
    from customers
    {% for purpose in purposes %}
        left outer join ranked_decisions as {{ purpose }}_decisions
            on
                customers.customer_id = {{ purpose }}_decisions.customer_id
                and {{ purpose }}_decisions.purpose = '{{ purpose }}'
                and {{ purpose }}_decisions.decision_rank = 1
    {% endfor %}
    left outer join erasures
        on
            customers.customer_id = erasures.customer_id
            and erasures.erasure_rank = 1

)

select * from final
