// failed: diesel print-schema
// Unsupported type: `json`
