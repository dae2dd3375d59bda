{#
    The golden record in wide form: per customer, each attribute's surviving
    value with its provenance (source, source record id, observed at) and, for
    contact points, a verification level from how many sources agree.

    Candidates: every value the customer's records offer for an attribute, one
    per value and source table, with how many records of that source carry it
    and the latest of them (the provenance survivorship keeps). Grouping first
    keeps the ranking small: a customer's many orders carry the same email,
    phone and postal code over and over. The candidates are grouped here, for
    the customers this build computes, rather than stored by a model of their
    own: a daily build groups the records of about 1% of the customers, where
    a stored table of every candidate (12.8 M rows at 1,000,000 customers) had
    to be compared with the fingerprints and written each day (docs/benchmark.md).

    Survivorship: survivorship_rules names the rule of each attribute
    (most_trusted, most_recent, most_frequent, most_complete);
    source_trust_rankings ranks the sources per attribute (unlisted sources
    rank last). Ties always fall to the same record: trust, then recency, then
    source and record id. The winners are picked and spread into columns in
    one model: written out as a table of their own, the 8 million winners
    (one per customer and attribute) cost more to write and read back than to
    choose (docs/benchmark.md).

    Built per customer, compared with the fingerprints of the profiles (see
    macros/customers/customer_grain_incremental.sql).
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

{#
    The records of the customers this build computes. A full build reads the
    table where the records are used rather than storing a copy; a daily
    build stores the few records it reads, so that the filter runs once.
#}
customer_records as {{ not_materialized() if not is_incremental() }} (

    select *
    from {{ ref('int_customer_records_assigned') }}
    where {{ is_customer_to_build(is_incremental()) }}

),

customer_profiles as (

    select *
    from {{ ref('int_customers_profiled') }}
    where {{ is_customer_to_build(is_incremental()) }}

),

survivorship_rules as (

    select * from {{ ref('survivorship_rules') }}

),

source_trust_rankings as (

    select * from {{ ref('source_trust_rankings') }}

),

{#
    Each attribute is ranked on its own, its candidates partitioned by customer
    alone: eleven small sorts, and each attribute's winners join the profile
    directly. One ranking over every attribute's candidates, with its winners
    stored and then picked out attribute by attribute, took about a fifth
    longer (docs/benchmark.md).
#}
{% for attribute in attributes %}
    {#- the attribute's candidates: grouped attribute by attribute, eleven small hash tables on three keys -#}
    candidates_{{ attribute }} as (

        select
            customer_id,
            cast({{ attribute }} as {{ dbt.type_string() }}) as attribute_value,
            source_table,
            {# the latest record, ties to the larger id #}
            {{ latest_record_id(latest_record_marker('observed_at', 'source_record_id')) }} as source_record_id,
            count(*) as record_count,
            max(observed_at) as observed_at
        from customer_records
        where {{ attribute }} is not null
        group by customer_id, cast({{ attribute }} as {{ dbt.type_string() }}), source_table

    ),

    {#- every value of the attribute with how many records and sources carry it -#}
    supported_{{ attribute }} as (

        select
            customer_id,
            attribute_value,
            source_table,
            source_record_id,
            observed_at,
            sum(record_count) over (partition by customer_id, attribute_value) as value_frequency,
            count(*) over (partition by customer_id, attribute_value) as supporting_source_count
        from candidates_{{ attribute }}

    ),

    ranked_{{ attribute }} as (

        select
            supported.*,
            row_number() over (
                partition by supported.customer_id
                order by
                    case
                        when survivorship_rules.survivorship_rule = 'most_trusted'
                            then coalesce(source_trust_rankings.trust_rank, 999)
                    end,
                    case
                        when survivorship_rules.survivorship_rule = 'most_recent'
                            then supported.observed_at
                    end desc nulls last,
                    case
                        when survivorship_rules.survivorship_rule = 'most_frequent'
                            then supported.value_frequency
                    end desc,
                    case
                        when survivorship_rules.survivorship_rule = 'most_complete'
                            then length(supported.attribute_value)
                    end desc,
                    coalesce(source_trust_rankings.trust_rank, 999),
                    supported.observed_at desc nulls last,
                    supported.source_table asc,
                    supported.source_record_id asc
            ) as survival_rank
        from supported_{{ attribute }} as supported
        left outer join survivorship_rules
            on survivorship_rules.attribute_name = '{{ attribute }}'
        left outer join source_trust_rankings
            on
                source_trust_rankings.attribute_name = '{{ attribute }}'
                and supported.source_table = source_trust_rankings.source_table

    ),

    {#- the winner: one row per customer -#}
    survived_{{ attribute }} as (

        select
            customer_id,
            attribute_value,
            source_table,
            source_record_id,
            supporting_source_count,
            observed_at
        from ranked_{{ attribute }}
        where survival_rank = 1

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
