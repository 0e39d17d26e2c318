// Writes bulbs.json: the definitions (model, vendor, description, exposes, options) that Zigbee2MQTT 2.x publishes
// in <base>/bridge/devices for a handful of real bulbs, taken from zigbee-herdsman-converters itself.
//
// Run by hand when the pinned package is bumped (never during the build or the tests):
//   cd firmware-sim/Definitions && npm ci --ignore-scripts && node generate.mjs
//
// The definition is resolved the way Zigbee2MQTT resolves it (findByDevice on the device's Zigbee model id), and
// exposes that are functions are called as Zigbee2MQTT's Device.exposes() calls them: with the device and its options
// (friendly_name and ID, merged over the empty global device_options), then the bridge's own linkquality expose is
// appended. Keys are sorted, as Zigbee2MQTT's json-stable-stringify writes them.
import {createRequire} from "node:module";
import {writeFileSync} from "node:fs";

const require = createRequire(import.meta.url);
const zhc = require("zigbee-herdsman-converters");
const {version: converterVersion} = require("zigbee-herdsman-converters/package.json");

// Only problems are worth printing; the converters' debug lines are noise here.
zhc.setLogger({debug: () => {}, info: () => {}, warning: console.warn, error: console.error});

// Zigbee model id (what the bulb reports in genBasic), manufacturer name, the model Zigbee2MQTT should resolve,
// and the power source and endpoint a real one has.
const bulbs = [
    {modelId: "LTW010", manufacturer: "Signify Netherlands B.V.", expectModel: "8718696548738", endpoint: 11},
    {modelId: "TRADFRI bulb E27 WS opal 980lm", manufacturer: "IKEA of Sweden", expectModel: "LED1545G12", endpoint: 1},
    {modelId: "RB 178 T", manufacturer: "innr", expectModel: "RB 178 T", endpoint: 1},
    {modelId: "GL-C-006", manufacturer: "GLEDOPTO", expectModel: "GL-C-006", endpoint: 11},
];

// The same expose Zigbee2MQTT's lib/model/device.ts appends to every device's exposes.
const linkquality = new zhc.Numeric("linkquality", zhc.access.STATE)
    .withUnit("lqi")
    .withDescription("Link quality (signal strength)")
    .withValueMin(0)
    .withValueMax(255)
    .withCategory("diagnostic");

function sortKeys(value) {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
    }
    return value;
}

function fakeDevice(bulb, ieeeAddr) {
    const endpoint = {ID: bulb.endpoint, deviceIeeeAddress: ieeeAddr, inputClusters: [0, 3, 4, 5, 6, 8, 768], outputClusters: []};
    return {
        ieeeAddr,
        type: "Router",
        modelID: bulb.modelId,
        manufacturerName: bulb.manufacturer,
        powerSource: "Mains (single phase)",
        endpoints: [endpoint],
        getEndpoint: (id) => (id === endpoint.ID ? endpoint : undefined),
        customClusters: {},
    };
}

const definitions = [];
for (const bulb of bulbs) {
    const ieeeAddr = "0x0000000000000000";
    const device = fakeDevice(bulb, ieeeAddr);
    const definition = await zhc.findByDevice(device, false);
    if (!definition || definition.model !== bulb.expectModel) {
        throw new Error(`${bulb.modelId} resolved to ${definition?.model}, expected ${bulb.expectModel}`);
    }

    const options = {friendly_name: ieeeAddr, ID: ieeeAddr};
    const exposes = typeof definition.exposes === "function" ? definition.exposes(device, options) : [...definition.exposes];
    exposes.push(linkquality);
    definitions.push(sortKeys(JSON.parse(JSON.stringify({
        model_id: bulb.modelId,
        manufacturer: bulb.manufacturer,
        endpoint: bulb.endpoint,
        power_source: device.powerSource,
        definition: {
            source: "native",
            model: definition.model,
            vendor: definition.vendor,
            description: definition.description,
            exposes,
            supports_ota: !!definition.ota,
            options: definition.options ?? [],
            version: definition.version,
        },
    }))));
}

const output = {
    generated_by: "firmware-sim/Definitions/generate.mjs",
    source: `zigbee-herdsman-converters ${converterVersion}`,
    bulbs: definitions,
};
writeFileSync(new URL("./bulbs.json", import.meta.url), `${JSON.stringify(output, null, 2)}\n`);
console.log(`bulbs.json: ${definitions.map((d) => d.definition.model).join(", ")} from zigbee-herdsman-converters ${converterVersion}`);
