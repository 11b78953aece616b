// Parameters of infra/main.bicep. azd fills the AZURE_* variables itself; set the others with `azd env set NAME
// value` (azd) or `export NAME=value` (az CLI) before deploying. docs/deploy.md describes each one.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'hostedrpa')
param location = readEnvironmentVariable('AZURE_LOCATION', '')

// Required: the `aud` claim of API tokens (the API app registration's client id with v2 tokens)
param authAudience = readEnvironmentVariable('AUTH_AUDIENCE')
param authIssuer = readEnvironmentVariable('AUTH_ISSUER', '')
param authJwksUri = readEnvironmentVariable('AUTH_JWKS_URI', '')

param botsResourceGroupName = readEnvironmentVariable('BOTS_RESOURCE_GROUP', '')
param botsLocation = readEnvironmentVariable('BOTS_LOCATION', '')
param existingBotsSubnetId = readEnvironmentVariable('EXISTING_BOTS_SUBNET_ID', '')
param computeGalleryId = readEnvironmentVariable('COMPUTE_GALLERY_ID', '')

// Key Vault: 'recover' brings back a soft-deleted vault of this environment (secrets included) instead of creating
// it; set it back to 'default' afterwards. The retention is fixed when a vault is created (docs/deploy.md).
param keyVaultCreateMode = readEnvironmentVariable('KEY_VAULT_CREATE_MODE', 'default')
param keyVaultSoftDeleteRetentionInDays = int(readEnvironmentVariable('KEY_VAULT_SOFT_DELETE_RETENTION_DAYS', '7'))
