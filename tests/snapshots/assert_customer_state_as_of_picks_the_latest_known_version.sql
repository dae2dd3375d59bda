{#
    customer_state_as_of(T) must return, per customer, the version with the
    latest valid_from at or before T. Checked against that ranking (which
    ignores valid_to) at the two latest recording times, in both directions.
    Two probes only: the test runs every day on the full history.
#}
{%- set history = ref('dim_customers_history') -%}
{%- set latest_instant = '(select max(valid_from) from ' ~ history ~ ')' -%}
{%- set previous_instant = '(select max(valid_from) from ' ~ history ~ ' where valid_from < ' ~ latest_instant ~ ')' -%}

with

{% for probe_name, probe in [('latest', latest_instant), ('previous', previous_instant)] %}
    as_of_{{ probe_name }} as (

        select customer_version_id
        from ({{ customer_state_as_of(probe) }}) as state

    ),

    ranked_{{ probe_name }} as (

        select
            customer_version_id,
            row_number() over (partition by customer_id order by valid_from desc) as recency_rank
        from {{ history }}
        where valid_from <= {{ probe }}

    ),

    expected_{{ probe_name }} as (

        select customer_version_id from ranked_{{ probe_name }} where recency_rank = 1

    ),

    mismatches_{{ probe_name }} as (

        select '{{ probe_name }}' as probe, customer_version_id, 'returned but not the latest known' as problem
        from (select * from as_of_{{ probe_name }} except select * from expected_{{ probe_name }}) as extra_versions
        union all
        select '{{ probe_name }}' as probe, customer_version_id, 'latest known but not returned' as problem
        from (select * from expected_{{ probe_name }} except select * from as_of_{{ probe_name }}) as missing_versions

    ),
{% endfor %}

final as (

    select * from mismatches_latest
    union all
    select * from mismatches_previous

)

select * from final
