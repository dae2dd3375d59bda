{#
    One golden value per customer and attribute. survivorship_rules names the
    rule of each attribute (most_trusted, most_recent, most_frequent,
    most_complete); source_trust_rankings ranks the sources per attribute
    (unlisted sources rank last). Ties always fall to the same record: trust,
    then recency, then source and record id. The winner's source, record id and
    time are kept as provenance; supporting_source_count says in how many
    sources the same value was seen.

    Built per customer like its input, and compared with the fingerprints
    its input carries (see macros/customers/customer_grain_incremental.sql).
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_outdated_customers(fingerprints_carried_by(ref('int_customer_attributes_unioned'))) }}",
    )
}}

with

candidates as (

    select *
    from {{ ref('int_customer_attributes_unioned') }}
    where {{ is_customer_to_build(fingerprints_carried_by(ref('int_customer_attributes_unioned')), is_incremental()) }}

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
        value_support.observed_at,
        survivorship_rules.survivorship_rule,
        value_support.value_frequency,
        value_support.supporting_source_count,
        value_support.records_fingerprint,
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

final as (

    select
        customer_id,
        attribute_name,
        attribute_value,
        survivorship_rule,
        source_table,
        source_record_id,
        value_frequency,
        supporting_source_count,
        observed_at,
        records_fingerprint
    from ranked
    where survival_rank = 1

)

select * from final
