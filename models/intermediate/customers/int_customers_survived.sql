{#
    The golden record in wide form: per customer, each attribute's surviving
    value with its provenance (source, source record id, observed at) and, for
    contact points, a verification level from how many sources agree.

    Survivorship: survivorship_rules names the rule of each attribute
    (most_trusted, most_recent, most_frequent, most_complete);
    source_trust_rankings ranks the sources per attribute (unlisted sources
    rank last). Ties always fall to the same record: trust, then recency, then
    source and record id. The winners are picked and spread into columns in
    one model: written out as a table of their own, the 8 million winners
    (one per customer and attribute) cost more to write and read back than to
    choose (docs/benchmark.md).

    Built per customer, compared with the fingerprints of the profiles (see
    macros/customers/customer_grain_incremental.sql); the candidates are
    built from the same fingerprints in the same run.
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

candidates as (

    select *
    from {{ ref('int_customer_attributes_unioned') }}
    where {{ is_customer_to_build(ref('int_customers_profiled'), is_incremental()) }}

),

customer_profiles as (

    select *
    from {{ ref('int_customers_profiled') }}
    where {{ is_customer_to_build(ref('int_customers_profiled'), is_incremental()) }}

),

survivorship_rules as (

    select * from {{ ref('survivorship_rules') }}

),

source_trust_rankings as (

    select * from {{ ref('source_trust_rankings') }}

),

value_support as (

    select
        candidates.*,
        sum(candidates.record_count) over (
            partition by candidates.customer_id, candidates.attribute_name, candidates.attribute_value
        ) as value_frequency,
        count(*) over (
            partition by candidates.customer_id, candidates.attribute_name, candidates.attribute_value
        ) as supporting_source_count
    from candidates

),

ranked as (

    select
        value_support.customer_id,
        value_support.attribute_name,
        value_support.attribute_value,
        value_support.source_table,
        value_support.source_record_id,
        value_support.supporting_source_count,
        value_support.observed_at,
        row_number() over (
            partition by value_support.customer_id, value_support.attribute_name
            order by
                case
                    when survivorship_rules.survivorship_rule = 'most_trusted'
                        then coalesce(source_trust_rankings.trust_rank, 999)
                end,
                case
                    when survivorship_rules.survivorship_rule = 'most_recent'
                        then value_support.observed_at
                end desc nulls last,
                case
                    when survivorship_rules.survivorship_rule = 'most_frequent'
                        then value_support.value_frequency
                end desc,
                case
                    when survivorship_rules.survivorship_rule = 'most_complete'
                        then length(value_support.attribute_value)
                end desc,
                coalesce(source_trust_rankings.trust_rank, 999),
                value_support.observed_at desc nulls last,
                value_support.source_table asc,
                value_support.source_record_id asc
        ) as survival_rank
    from value_support
    left outer join survivorship_rules
        on value_support.attribute_name = survivorship_rules.attribute_name
    left outer join source_trust_rankings
        on
            value_support.attribute_name = source_trust_rankings.attribute_name
            and value_support.source_table = source_trust_rankings.source_table

),

{# one row per customer and attribute: the winner #}
survived_attributes as (

    select
        customer_id,
        attribute_name,
        attribute_value,
        source_table,
        source_record_id,
        supporting_source_count,
        observed_at
    from ranked
    where survival_rank = 1

),

{#
    Survived attributes hold one row per customer and attribute, so each attribute joins on its own:
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
