{#
    Reading history at an instant: a version is valid from valid_from
    (inclusive) to valid_to (exclusive); the current version has no valid_to.
    The bounds are half-open so that the instant a version is replaced belongs
    to the new one only.
#}
{% macro scd2_as_of(relation, as_of_timestamp, valid_from='valid_from', valid_to='valid_to') -%}
    {{ return(adapter.dispatch('scd2_as_of', 'customer360')(relation, as_of_timestamp, valid_from, valid_to)) }}
{%- endmacro %}

{% macro default__scd2_as_of(relation, as_of_timestamp, valid_from, valid_to) -%}
    select *
    from {{ relation }}
    where
        {{ valid_from }} <= {{ as_of_timestamp }}
        and ({{ valid_to }} is null or {{ valid_to }} > {{ as_of_timestamp }})
{%- endmacro %}


{% macro customer_state_as_of(as_of_timestamp) -%}
    {{ return(adapter.dispatch('customer_state_as_of', 'customer360')(as_of_timestamp)) }}
{%- endmacro %}

{#
    The golden record version valid at the instant, with the consent version
    valid at the same instant (null columns when no consent decision was known
    yet). Deleted versions are kept: "erased or gone by then" is an answer too.
#}
{% macro default__customer_state_as_of(as_of_timestamp) -%}
    {%- set consent_columns = [
        'marketing_consent_status', 'analytics_consent_status', 'profiling_consent_status',
        'marketing_consent_effective_at', 'analytics_consent_effective_at', 'profiling_consent_effective_at',
    ] -%}
    with

    customer_versions as (

        {{ customer360.scd2_as_of(ref('dim_customers_history'), as_of_timestamp) }}

    ),

    consent_versions as (

        {{ customer360.scd2_as_of(ref('dim_customer_consents_history'), as_of_timestamp) }}

    )

    select
        customer_versions.*,
        {%- for column in consent_columns %}
        consent_versions.{{ column }},
        {%- endfor %}
        coalesce(consent_versions.is_erased, false) as is_erased
    from customer_versions
    left outer join consent_versions
        on customer_versions.customer_id = consent_versions.customer_id
{%- endmacro %}
