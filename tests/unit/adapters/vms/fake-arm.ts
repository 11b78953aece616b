import type { ArmClientOptions } from '../../../../adapters/vms/arm-bot-provisioner.js';

type HttpClient = NonNullable<ArmClientOptions['httpClient']>;
type PipelineRequest = Parameters<HttpClient['sendRequest']>[0];
type PipelineResponse = Awaited<ReturnType<HttpClient['sendRequest']>>;

export const ARM_HOST = 'https://management.azure.com';

export interface RecordedRequest {
  method: string;
  /** path without the query, as sent */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** the body as sent (text), and parsed when JSON */
  bodyText?: string;
  body?: unknown;
}

/** An answer a test scripts for the next request that matches (then it is used up). */
export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** A request ARM accepts (201) whose long-running operation then ends Failed with this error. */
export interface AsyncFault {
  method: string;
  path: RegExp;
  code: string;
  message: string;
}

interface Json {
  [key: string]: unknown;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(value: Json, key: string): Json {
  const found = value[key];
  return isJson(found) ? found : {};
}

const RESOURCE =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/(Microsoft\.Compute\/virtualMachines|Microsoft\.Compute\/disks|Microsoft\.Network\/networkInterfaces)\/([^/]+)(?:\/extensions\/([^/]+))?$/i;
const VM_LIST = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines$/i;
const OPERATION = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.(Compute|Network)\/locations\/([^/]+)\/operations\/([^/]+)$/i;

/**
 * ARM for one subscription and resource group, at the HTTP level, behind the SDKs' `httpClient` seam: PUT,
 * PATCH and DELETE answer with the asynchronous-operation pattern (201/200/202 + `Azure-AsyncOperation`, then
 * the operation's status, then the resource), GET answers the stored resource or 404, the VM list pages with
 * `nextLink`. Secrets are stripped from what it stores (ARM never returns them). Every request is recorded;
 * one it does not know is recorded in `unexpected` and answered with an error, and no request leaves the process.
 */
export class FakeArm {
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: string[] = [];
  readonly resources = new Map<string, Json>();
  private readonly operations = new Map<string, Json>();
  private readonly faults: Fault[] = [];
  private readonly asyncFaults: AsyncFault[] = [];
  private readonly stalls: Array<{ method: string; path: RegExp }> = [];
  private nextOperation = 1;
  private clock = Date.parse('2025-01-01T00:00:00Z');
  readonly httpClient: HttpClient;

  constructor(
    readonly subscriptionId: string,
    readonly resourceGroup: string,
    private readonly listPageSize = 2,
  ) {
    this.httpClient = { sendRequest: async (request) => this.answer(request) };
  }

  failNext(fault: Fault): void {
    this.faults.push(fault);
  }

  failAsync(fault: AsyncFault): void {
    this.asyncFaults.push(fault);
  }

  /** The next matching request is accepted and its long-running operation stays InProgress for ever. */
  stallAsync(method: string, path: RegExp): void {
    this.stalls.push({ method, path });
  }

  /** A resource created behind the provisioner's back (another deployment's VM, an orphan). */
  seed(path: string, resource: Json): void {
    this.resources.set(path.toLowerCase(), { id: path, name: path.slice(path.lastIndexOf('/') + 1), ...resource });
  }

  /** The recorded requests as `METHOD path` lines, optionally only those that change something. */
  calls(options: { writesOnly?: boolean } = {}): string[] {
    return this.requests.filter((r) => !options.writesOnly || r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
  }

  lastBody(method: string, path: RegExp): Json {
    const found = [...this.requests].reverse().find((r) => r.method === method && path.test(r.path));
    if (found === undefined || !isJson(found.body)) throw new Error(`no ${method} ${path} with a JSON body was recorded`);
    return found.body;
  }

  private answer(request: PipelineRequest): PipelineResponse {
    const url = new URL(request.url);
    const bodyText = typeof request.body === 'string' ? request.body : undefined;
    let body: unknown;
    if (bodyText !== undefined) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        body = undefined;
      }
    }
    this.requests.push({
      method: request.method,
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: request.headers.toJSON(),
      ...(bodyText === undefined ? {} : { bodyText, body }),
    });
    const path = decodeURIComponent(url.pathname);

    if (url.origin !== ARM_HOST) return this.unknown(request, `${request.method} ${request.url}`);
    if (request.body !== undefined && bodyText === undefined) return this.unknown(request, `${request.method} ${path}: a non-text body`);
    if (!request.headers.get('authorization')?.startsWith('Bearer ')) return this.unknown(request, `${request.method} ${path}: no bearer token`);

    const fault = this.faults.findIndex((f) => f.method === request.method && f.path.test(path));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      if (f !== undefined) return this.respond(request, f.status, { error: { code: f.code, message: f.message } }, f.headers);
    }

    const operation = OPERATION.exec(path);
    if (operation !== null && request.method === 'GET') {
      const status = this.operations.get(path.toLowerCase());
      return status === undefined ? this.notFound(request, path) : this.respond(request, 200, status);
    }
    if (!url.searchParams.has('api-version')) return this.unknown(request, `${request.method} ${path}: no api-version`);

    const list = VM_LIST.exec(path);
    if (list !== null && request.method === 'GET') {
      if (!this.inScope(list[1], list[2])) return this.unknown(request, `${request.method} ${path}: another scope`);
      return this.listVms(request, path, Number(url.searchParams.get('$skiptoken') ?? '0'));
    }

    const resource = RESOURCE.exec(path);
    if (resource === null || !this.inScope(resource[1], resource[2])) return this.unknown(request, `${request.method} ${path}`);
    const provider = resource[3] ?? '';
    const key = path.toLowerCase();
    switch (request.method) {
      case 'GET': {
        const stored = this.resources.get(key);
        return stored === undefined ? this.notFound(request, path) : this.respond(request, 200, stored);
      }
      case 'PUT':
        if (!isJson(body)) return this.unknown(request, `PUT ${path}: no JSON body`);
        return this.put(request, path, provider, body);
      case 'PATCH': {
        const stored = this.resources.get(key);
        if (stored === undefined) return this.notFound(request, path);
        if (!isJson(body)) return this.unknown(request, `PATCH ${path}: no JSON body`);
        const patched = { ...stored, ...body };
        this.resources.set(key, patched);
        return this.accepted(request, 200, patched, this.startOperation(provider, stored, request.method, path));
      }
      case 'DELETE': {
        const stored = this.resources.get(key);
        if (stored === undefined) return this.respond(request, 204, undefined);
        this.delete(key, stored);
        return this.accepted(request, 202, undefined, this.startOperation(provider, stored, request.method, path));
      }
      default:
        return this.unknown(request, `${request.method} ${path}`);
    }
  }

  private put(request: PipelineRequest, path: string, provider: string, body: Json): PipelineResponse {
    const key = path.toLowerCase();
    const existed = this.resources.has(key);
    const properties = { ...child(body, 'properties') };
    // ARM never returns secrets
    if (isJson(properties.osProfile)) properties.osProfile = Object.fromEntries(Object.entries(properties.osProfile).filter(([k]) => k !== 'adminPassword'));
    delete properties.protectedSettings;
    if (/virtualMachines$/i.test(provider) && !/\/extensions\//i.test(path)) {
      const storage = child(properties, 'storageProfile');
      const image = child(storage, 'imageReference');
      if (image.version === 'latest') properties.storageProfile = { ...storage, imageReference: { ...image, exactVersion: '26100.4061.250510' } };
      properties.timeCreated = new Date(this.clock).toISOString();
      this.createOsDisk(path, body, storage);
    }
    this.clock += 60_000;
    const stored: Json = { ...body, id: path, name: path.slice(path.lastIndexOf('/') + 1), properties: { ...properties, provisioningState: 'Succeeded' } };
    this.resources.set(key, stored);
    const initial = { ...stored, properties: { ...properties, provisioningState: existed ? 'Updating' : 'Creating' } };
    return this.accepted(request, existed ? 200 : 201, initial, this.startOperation(provider, body, request.method, path));
  }

  /** Compute creates the OS disk with the VM, untagged, in the VM's resource group. */
  private createOsDisk(vmPath: string, vm: Json, storage: Json): void {
    const name = child(storage, 'osDisk').name;
    if (typeof name !== 'string') return;
    const diskPath = vmPath.replace(/Microsoft\.Compute\/virtualMachines\/[^/]+$/i, `Microsoft.Compute/disks/${name}`);
    if (!this.resources.has(diskPath.toLowerCase())) {
      this.resources.set(diskPath.toLowerCase(), { id: diskPath, name, location: vm.location, properties: { provisioningState: 'Succeeded' } });
    }
  }

  /** Deleting a VM deletes its extensions, and its NICs and OS disk when their deleteOption says so. */
  private delete(key: string, stored: Json): void {
    this.resources.delete(key);
    if (!/\/microsoft\.compute\/virtualmachines\/[^/]+$/.test(key)) return;
    for (const other of [...this.resources.keys()]) if (other.startsWith(`${key}/extensions/`)) this.resources.delete(other);
    const properties = child(stored, 'properties');
    const osDisk = child(child(properties, 'storageProfile'), 'osDisk');
    if (osDisk.deleteOption === 'Delete' && typeof osDisk.name === 'string') {
      this.resources.delete(key.replace(/microsoft\.compute\/virtualmachines\/[^/]+$/, `microsoft.compute/disks/${osDisk.name.toLowerCase()}`));
    }
    const nics = child(properties, 'networkProfile').networkInterfaces;
    if (Array.isArray(nics)) {
      for (const nic of nics) {
        if (isJson(nic) && typeof nic.id === 'string' && child(nic, 'properties').deleteOption === 'Delete') this.resources.delete(nic.id.toLowerCase());
      }
    }
  }

  private startOperation(provider: string, resource: Json, method: string, path: string): string {
    const namespace = provider.toLowerCase().startsWith('microsoft.network') ? 'Network' : 'Compute';
    const location = typeof resource.location === 'string' ? resource.location : 'eastus';
    const operationPath = `/subscriptions/${this.subscriptionId}/providers/Microsoft.${namespace}/locations/${location}/operations/op-${this.nextOperation++}`;
    const stall = this.stalls.findIndex((f) => f.method === method && f.path.test(path));
    if (stall >= 0) {
      this.stalls.splice(stall, 1);
      this.operations.set(operationPath.toLowerCase(), { status: 'InProgress' });
      return `${ARM_HOST}${operationPath}?api-version=2025-04-01`;
    }
    const fault = this.asyncFaults.findIndex((f) => f.method === method && f.path.test(path));
    if (fault >= 0) {
      const [f] = this.asyncFaults.splice(fault, 1);
      if (f !== undefined) {
        this.operations.set(operationPath.toLowerCase(), { status: 'Failed', error: { code: f.code, message: f.message } });
        const stored = this.resources.get(path.toLowerCase());
        if (stored !== undefined)
          this.resources.set(path.toLowerCase(), { ...stored, properties: { ...child(stored, 'properties'), provisioningState: 'Failed' } });
      }
    } else {
      this.operations.set(operationPath.toLowerCase(), { status: 'Succeeded' });
    }
    return `${ARM_HOST}${operationPath}?api-version=2025-04-01`;
  }

  private listVms(request: PipelineRequest, path: string, skip: number): PipelineResponse {
    const vms = [...this.resources.entries()].filter(([key]) => /\/microsoft\.compute\/virtualmachines\/[^/]+$/.test(key)).map(([, vm]) => vm);
    const page = vms.slice(skip, skip + this.listPageSize);
    const next = skip + this.listPageSize < vms.length ? `${ARM_HOST}${path}?api-version=2026-03-01&$skiptoken=${skip + this.listPageSize}` : undefined;
    return this.respond(request, 200, { value: page, ...(next === undefined ? {} : { nextLink: next }) });
  }

  private inScope(subscriptionId: string | undefined, resourceGroup: string | undefined): boolean {
    return subscriptionId === this.subscriptionId && resourceGroup?.toLowerCase() === this.resourceGroup.toLowerCase();
  }

  private accepted(request: PipelineRequest, status: number, body: unknown, operationUrl: string): PipelineResponse {
    return this.respond(request, status, body, { 'azure-asyncoperation': operationUrl, 'retry-after': '0' });
  }

  private notFound(request: PipelineRequest, path: string): PipelineResponse {
    return this.respond(request, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${path}' was not found.` } });
  }

  private unknown(request: PipelineRequest, what: string): PipelineResponse {
    this.unexpected.push(what);
    return this.respond(request, 501, { error: { code: 'FakeArmUnexpectedRequest', message: what } });
  }

  private respond(request: PipelineRequest, status: number, body: unknown, extraHeaders: Record<string, string> = {}): PipelineResponse {
    const headers = new Map<string, string>(
      Object.entries({ 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': `req-${this.requests.length}`, ...extraHeaders }),
    );
    return {
      request,
      status,
      bodyAsText: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        get: (name) => headers.get(name.toLowerCase()),
        has: (name) => headers.has(name.toLowerCase()),
        set: (name, value) => void headers.set(name.toLowerCase(), String(value)),
        delete: (name) => void headers.delete(name.toLowerCase()),
        toJSON: () => Object.fromEntries(headers),
        [Symbol.iterator]: () => headers.entries(),
      },
    };
  }
}
