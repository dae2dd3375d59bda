{% test base_rows_well_formed(model, quarantine_reasons) %}
    {{ return(adapter.dispatch('test_base_rows_well_formed', 'customer360')(model, quarantine_reasons)) }}
{% endtest %}
