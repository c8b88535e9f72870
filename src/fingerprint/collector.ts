/**
 * The browser collector served at GET /fingerprint.js: FingerprintJS 5 (MIT, the
 * open-source library; its minified build defines the global `FingerprintJS`) followed
 * by our small module. Ours loads the sources with monitoring off (no request to any
 * third party), maps each component to a flat name -> value (values longer than 64
 * characters become FingerprintJS's murmur hash, so canvas data URLs never travel),
 * adds a few extras (user agent, browser major, incognito hint, battery, network
 * type, input devices), keeps only the configured components, and:
 *   - fills every `<input name="fingerprint">` of the page (the login form), and holds
 *     the form's submit until the value is ready (at most 3 s);
 *   - exposes `window.portcullisFingerprint()` (a Promise of the JSON text) for
 *     client apps to send with token requests.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ComponentSpec } from '@portcullis/sdk/fingerprint';

const require = createRequire(import.meta.url);

function ours(names: string[]): string {
  return `;(function(){"use strict";
var WANT=${JSON.stringify(names)};
function flat(v){if(v===null||v===undefined)return undefined;var t=typeof v;
 var s=(t==="string"||t==="number"||t==="boolean")?String(v):JSON.stringify(v);
 return s.length>64?FingerprintJS.murmurX64Hash128(s):s;}
function major(ua){var m=/(Edg|Chrome|HeadlessChrome|Chromium|Firefox|Version)\\/(\\d+)/.exec(ua);return m?m[1].replace("HeadlessChrome","Chrome")+" "+m[2]:undefined;}
async function extras(){var n=navigator,o={userAgent:n.userAgent,browserMajor:major(n.userAgent)};
 try{if(n.storage&&n.storage.estimate){var e=await n.storage.estimate();o.incognito=String(e.quota!==undefined&&e.quota<2147483648);}}catch(x){}
 o.battery=String(typeof n.getBattery==="function");
 if(n.connection&&n.connection.effectiveType)o.network=n.connection.effectiveType;
 o.inputDevices=["pointer:fine","pointer:coarse","hover:hover","any-pointer:coarse"].filter(function(q){return matchMedia("("+q+")").matches;}).join(",");
 return o;}
async function collect(){var agent=await FingerprintJS.load({monitoring:false,delayFallback:10});var r=await agent.get();var out={};
 Object.keys(r.components).forEach(function(k){var c=r.components[k];if(!c||"error" in c)return;var v=flat(c.value);if(v!==undefined)out[k]=v;});
 var x=await extras();Object.keys(x).forEach(function(k){if(x[k]!==undefined&&x[k]!=="")out[k]=x[k];});
 var kept={};WANT.forEach(function(k){if(out[k]!==undefined)kept[k]=out[k];});return JSON.stringify(kept);}
var ready=null;window.portcullisFingerprint=function(){if(!ready)ready=collect();return ready;};
function fill(v){document.querySelectorAll('input[name="fingerprint"]').forEach(function(i){i.value=v;});}
function hold(form){form.addEventListener("submit",function(ev){if(form.dataset.fpDone)return;ev.preventDefault();
 var go=function(){form.dataset.fpDone="1";form.submit();};
 Promise.race([window.portcullisFingerprint().then(fill),new Promise(function(r){setTimeout(r,3000);})]).then(go,go);});}
function start(){var forms=[];document.querySelectorAll('input[name="fingerprint"]').forEach(function(i){if(i.form)forms.push(i.form);});
 if(!forms.length)return;forms.forEach(hold);window.portcullisFingerprint().then(function(v){fill(v);document.documentElement.dataset.fingerprint="ready";},function(){});}
if(document.readyState==="loading")document.addEventListener("DOMContentLoaded",start);else start();
})();`;
}

/** The script text for the active browser components (built once at start-up). */
export function collectorScript(active: readonly ComponentSpec[]): string {
  const library = readFileSync(require.resolve('@fingerprintjs/fingerprintjs/dist/fp.min.js'), 'utf8');
  return `${library}\n${ours(active.filter((c) => c.source === 'browser').map((c) => c.name))}\n`;
}
