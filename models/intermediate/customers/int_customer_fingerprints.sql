{#
    One fingerprint per customer of everything their golden record is
    computed from: the fingerprints of their records, in a fixed order, and
    those of the survivorship seeds (so a changed rule recomputes everyone).
    The golden-record models built per customer compare their rows with it
    (macros/customers/customer_grain_incremental.sql).
#}

with

customer_records as (

    select * from {{ ref('int_customer_records_assigned') }}

),

survivorship_rules as (

    select * from {{ ref('survivorship_rules') }}

),

source_trust_rankings as (

    select * from {{ ref('source_trust_rankings') }}

),

rule_rows as (

    select {{ row_fingerprint(['attribute_name', 'survivorship_rule']) }} as rule_fingerprint
    from survivorship_rules

    union all

    select {{ row_fingerprint(['attribute_name', 'source_table', 'trust_rank']) }} as rule_fingerprint
    from source_trust_rankings

),

rules as (

    select
        md5({{ dbt.listagg('rule_fingerprint', "''", 'order by rule_fingerprint') }}) as rules_fingerprint
    from rule_rows

),

customers as (

    select
        customer_id,
        md5({{ dbt.listagg('record_fingerprint', "''", 'order by record_fingerprint') }}) as records_only_fingerprint
    from customer_records
    group by customer_id

),

final as (

    select
        customers.customer_id,
        md5({{ dbt.concat(['customers.records_only_fingerprint', 'rules.rules_fingerprint']) }}) as records_fingerprint
    from customers
    cross join rules

)

select * from final
