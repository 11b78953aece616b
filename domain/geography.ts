/** Where an environment's bots and images live: its geography's Azure region (normative map). */
export const GEOGRAPHY_REGIONS = {
  US: { region: 'eastus', displayName: 'East US' },
  Europe: { region: 'northeurope', displayName: 'North Europe' },
  UK: { region: 'uksouth', displayName: 'UK South' },
  Canada: { region: 'canadacentral', displayName: 'Canada Central' },
  Australia: { region: 'australiaeast', displayName: 'Australia East' },
  Brazil: { region: 'brazilsouth', displayName: 'Brazil South' },
  France: { region: 'francecentral', displayName: 'France Central' },
  India: { region: 'centralindia', displayName: 'Central India' },
  Germany: { region: 'germanywestcentral', displayName: 'Germany West Central' },
  Switzerland: { region: 'switzerlandnorth', displayName: 'Switzerland North' },
  Japan: { region: 'japaneast', displayName: 'Japan East' },
  Asia: { region: 'eastasia', displayName: 'East Asia' },
  Norway: { region: 'norwayeast', displayName: 'Norway East' },
} as const;

export type SupportedGeography = keyof typeof GEOGRAPHY_REGIONS;

/** Geographies the product knows but where hosted bots are not offered: refused with a clear error (422). */
export const UNSUPPORTED_GEOGRAPHIES = ['UnitedArabEmirates', 'Korea'] as const;

export const SUPPORTED_GEOGRAPHIES = Object.keys(GEOGRAPHY_REGIONS) as SupportedGeography[];

export function isSupportedGeography(value: string): value is SupportedGeography {
  return Object.hasOwn(GEOGRAPHY_REGIONS, value);
}

export function regionOf(geography: SupportedGeography): string {
  return GEOGRAPHY_REGIONS[geography].region;
}
