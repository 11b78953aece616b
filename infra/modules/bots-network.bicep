// Network for the bots' NICs, deployed into the bots' resource group (main.bicep sets the scope). The subnet
// takes no inbound traffic from the internet (NSG defaults); bots reach the control plane's public HTTPS
// endpoint (/api/agent/...) outbound through a NAT gateway, since new subnets get no default outbound access.
// NICs must be in the same region as their virtual network: bots of environments in other regions need a
// network there (see docs/deploy.md).

@description('Region of the network (and of the bots that use it).')
param location string

@description('Name prefix of the network resources.')
param namePrefix string

param tags object

@description('Address space of the virtual network.')
param addressPrefix string = '10.60.0.0/16'

@description('Address range of the bots subnet.')
param subnetPrefix string = '10.60.0.0/20'

@description('Give the subnet outbound internet access through a NAT gateway (bots must reach the API).')
param natGateway bool = true

// The NAT gateway and its address are conditional: they are referred to by resource id (with an explicit
// dependsOn) rather than through nat.id / publicIp.id, which Bicep flags as possibly null (BCP318)
var natGatewayName = '${namePrefix}-nat'
var natPublicIpName = '${namePrefix}-nat-ip'

resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${namePrefix}-nsg'
  location: location
  tags: tags
  properties: {
    securityRules: []
  }
}

resource publicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = if (natGateway) {
  name: natPublicIpName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource nat 'Microsoft.Network/natGateways@2024-05-01' = if (natGateway) {
  name: natGatewayName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [
      {
        id: resourceId('Microsoft.Network/publicIPAddresses', natPublicIpName)
      }
    ]
  }
  dependsOn: [
    publicIp
  ]
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${namePrefix}-vnet'
  location: location
  tags: tags
  dependsOn: [
    nat
  ]
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'bots'
        properties: {
          addressPrefix: subnetPrefix
          networkSecurityGroup: {
            id: nsg.id
          }
          natGateway: natGateway ? {
            id: resourceId('Microsoft.Network/natGateways', natGatewayName)
          } : null
          defaultOutboundAccess: false
        }
      }
    ]
  }
}

output vnetId string = vnet.id
output subnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'bots')
