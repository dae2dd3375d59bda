{% test quarantine_rows_well_formed(model, quarantine_reasons, source_name, table_name, reasons=none) %}
    {{ return(adapter.dispatch('test_quarantine_rows_well_formed', 'customer360')(
        model, quarantine_reasons, source_name, table_name, reasons
    )) }}
{% endtest %}
