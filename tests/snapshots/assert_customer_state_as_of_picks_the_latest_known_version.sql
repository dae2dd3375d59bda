{#
    customer_state_as_of(T) must return, per customer, the version with the
    latest valid_from at or before T. Checked against that ranking (which
    ignores valid_to) at the two latest recording times, in both directions.

    In the daily pipeline it reads only the customers with a version recorded
    or closed after the last completed day (C360_HISTORY_CHECKED_THROUGH, as
    the SCD2 tests with changed_keys_only do, macros/generic_tests/scd2_invariants.sql).
    A customer without one has had the same versions since that day, and the
    probes only move forward: from its latest version on, the answer is that
    version, which the check after it was recorded found at both its probes,
    and a probe before it was a probe of that check too. Run by hand, every
    customer is read.
#}
{%- set history = ref('dim_customers_history') -%}
{%- set latest_instant = '(select max(valid_from) from ' ~ history ~ ')' -%}
{%- set previous_instant = '(select max(valid_from) from ' ~ history ~ ' where valid_from < ' ~ latest_instant ~ ')' -%}
{%- set customers_to_check = customer360.scd2_keys_to_check(history, ['customer_id'], 'valid_from', 'valid_to', true) -%}

with

{% for probe_name, probe in [('latest', latest_instant), ('previous', previous_instant)] %}
    as_of_{{ probe_name }} as (

        select versions.customer_version_id
        from ({{ customer_state_as_of(probe) }}) as versions
        where {{ customers_to_check }}

    ),

    ranked_{{ probe_name }} as (

        select
            versions.customer_version_id,
            row_number() over (partition by versions.customer_id order by versions.valid_from desc) as recency_rank
        from {{ history }} as versions
        where
            versions.valid_from <= {{ probe }}
            and {{ customers_to_check }}

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
