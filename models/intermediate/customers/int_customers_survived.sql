{#
    The golden record in wide form: per customer, each attribute's surviving
    value with its provenance (source, source record id, observed at) and, for
    contact points, a verification level from how many sources agree.
    Built per customer, compared with the fingerprints of the profiles (see
    macros/customers/customer_grain_incremental.sql); the surviving
    attributes are built from the same fingerprints in the same run.
#}
{%- set attributes = [
    'first_name', 'last_name', 'email', 'phone', 'birth_date', 'gender',
    'street_address', 'city', 'postal_code', 'country_code', 'loyalty_card_number',
] -%}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_outdated_customers(ref('int_customers_profiled')) }}",
    )
}}

with

survived_attributes as (

    select *
    from {{ ref('int_customer_attributes_survived') }}
    where {{ is_customer_to_build(ref('int_customers_profiled'), is_incremental()) }}

),

customer_profiles as (

    select *
    from {{ ref('int_customers_profiled') }}
    where {{ is_customer_to_build(ref('int_customers_profiled'), is_incremental()) }}

),

{#
    Upstream holds one row per customer and attribute, so each attribute joins on its own:
    cheaper than pivoting every row through max(case ...) aggregates, which DuckDB merges
    slowly across threads.
#}
{% for attribute in attributes %}
    survived_{{ attribute }} as (

        select
            customer_id,
            attribute_value,
            source_table,
            source_record_id,
            supporting_source_count,
            observed_at
        from survived_attributes
        where attribute_name = '{{ attribute }}'

    ),

{% endfor %}
final as (

    select
        customer_profiles.customer_id,
        {% for attribute in attributes %}
            {% if attribute == 'birth_date' %}
                cast(survived_birth_date.attribute_value as date) as birth_date,
            {% else %}
                survived_{{ attribute }}.attribute_value as {{ attribute }},
            {% endif %}
            survived_{{ attribute }}.source_table as {{ attribute }}_source_table,
            survived_{{ attribute }}.source_record_id as {{ attribute }}_source_record_id,
            survived_{{ attribute }}.observed_at as {{ attribute }}_observed_at,
        {% endfor %}
        {% for contact_point in ['email', 'phone'] %}
            case
                when survived_{{ contact_point }}.attribute_value is null then 'none'
                when survived_{{ contact_point }}.supporting_source_count >= 2 then 'confirmed_by_several_sources'
                else 'single_source'
            end as {{ contact_point }}_verification_level,
        {% endfor %}
        customer_profiles.source_record_count,
        customer_profiles.source_count,
        customer_profiles.loyalty_card_count,
        customer_profiles.birth_date_count,
        customer_profiles.has_conflicting_loyalty_cards,
        customer_profiles.has_conflicting_birth_dates,
        customer_profiles.customer_id_created_at,
        customer_profiles.first_seen_at,
        customer_profiles.last_seen_at,
        customer_profiles.records_fingerprint
    from customer_profiles
    {% for attribute in attributes %}
        left outer join survived_{{ attribute }}
            on customer_profiles.customer_id = survived_{{ attribute }}.customer_id
    {% endfor %}

)

select * from final
