/**
 * Runs an Argo CD Lua health check the way Argo CD does, in a real Lua VM (fengari, Lua 5.3 in JavaScript), for
 * tests. What is mirrored, from argoproj/argo-cd util/lua/lua.go:
 * - a fresh state per run (`runLua`: lua.NewState ... defer l.Close());
 * - only the package, base and table libraries and a "safe" os (time, date), no string/math/io/debug
 *   (`runLua` opens LoadLibName, BaseLibName, TabLibName, OsLibName with OpenSafeOs; SkipOpenLibs otherwise);
 * - the object as the global `obj`, JSON decoded into tables, arrays 1-based, null as nil (`decodeValue`);
 * - the script's return value must be a table; `status` and `message`, when present, must be strings, else the
 *   run is an error (`ExecuteHealthLua`: "health status must be a string" and likewise for message);
 * - a status outside Unknown|Progressing|Suspended|Healthy|Degraded|Missing becomes Unknown
 *   (`ExecuteHealthLua`, isValidHealthStatusCode), an absent one too.
 * Lua 5.3 accepts a little more than gopher-lua's 5.1 (integer division, goto); the checks use neither.
 */

// fengari ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fengari = require("fengari") as Fengari;

interface Fengari {
    lua: Record<string, unknown> & {
        LUA_OK: number;
        lua_close(L: unknown): void;
        lua_pushnil(L: unknown): void;
        lua_pushboolean(L: unknown, b: boolean): void;
        lua_pushnumber(L: unknown, n: number): void;
        lua_pushinteger(L: unknown, n: number): void;
        lua_pushstring(L: unknown, s: Uint8Array): void;
        lua_createtable(L: unknown, narr: number, nrec: number): void;
        lua_rawseti(L: unknown, idx: number, n: number): void;
        lua_setfield(L: unknown, idx: number, k: Uint8Array): void;
        lua_setglobal(L: unknown, name: Uint8Array): void;
        lua_getfield(L: unknown, idx: number, k: Uint8Array): number;
        lua_pcall(L: unknown, nargs: number, nresults: number, errfunc: number): number;
        lua_type(L: unknown, idx: number): number;
        lua_tojsstring(L: unknown, idx: number): string;
        lua_pop(L: unknown, n: number): void;
        lua_pushcfunction(L: unknown, f: unknown): void;
        lua_call(L: unknown, nargs: number, nresults: number): void;
        lua_gettop(L: unknown): number;
        lua_settop(L: unknown, n: number): void;
        lua_pushvalue(L: unknown, idx: number): void;
        lua_rawget(L: unknown, idx: number): number;
        LUA_TTABLE: number;
        LUA_TSTRING: number;
        LUA_TNIL: number;
        LUA_MULTRET: number;
    };
    lauxlib: {
        luaL_newstate(): unknown;
        luaL_loadstring(L: unknown, s: Uint8Array): number;
        luaL_requiref(L: unknown, name: Uint8Array, open: unknown, glb: number): void;
    };
    lualib: Record<string, unknown>;
    to_luastring(s: string): Uint8Array;
}

const { lua, lauxlib, lualib } = fengari;
const ls = (s: string): Uint8Array => fengari.to_luastring(s);

export type HealthStatus = "Healthy" | "Progressing" | "Degraded" | "Suspended" | "Missing" | "Unknown";
const valid: readonly string[] = ["Unknown", "Progressing", "Suspended", "Healthy", "Degraded", "Missing"];

export interface HealthResult {
    readonly status: HealthStatus;
    readonly message: string;
}

/** A check that Argo CD would report as an error (script error, wrong return type, non-string status). */
export class HealthCheckError extends Error {}

function push(L: unknown, value: unknown): void {
    if (value === null || value === undefined) {
        lua.lua_pushnil(L);
    } else if (typeof value === "boolean") {
        lua.lua_pushboolean(L, value);
    } else if (typeof value === "number") {
        if (Number.isInteger(value)) lua.lua_pushinteger(L, value);
        else lua.lua_pushnumber(L, value);
    } else if (typeof value === "string") {
        lua.lua_pushstring(L, ls(value));
    } else if (Array.isArray(value)) {
        lua.lua_createtable(L, value.length, 0);
        // gopher-lua's decodeValue appends each element: nil elements are skipped in its table.Append.
        let i = 0;
        for (const v of value) {
            if (v === null || v === undefined) continue;
            push(L, v);
            lua.lua_rawseti(L, -2, ++i);
        }
    } else if (typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        lua.lua_createtable(L, 0, entries.length);
        for (const [k, v] of entries) {
            if (v === null || v === undefined) continue;
            push(L, v);
            lua.lua_setfield(L, -2, ls(k));
        }
    } else {
        throw new TypeError(`cannot pass a ${typeof value} to Lua`);
    }
}

/** The "safe" os of Argo CD: os.time and os.date only. */
function openSafeOs(L: unknown): void {
    lauxlib.luaL_requiref(L, ls("os"), lualib.luaopen_os, 1);
    // Keep time and date, drop the rest (exit, remove, rename, getenv, execute, tmpname, clock, difftime).
    for (const name of ["exit", "remove", "rename", "getenv", "execute", "tmpname", "clock", "difftime", "setlocale"]) {
        lua.lua_pushnil(L);
        lua.lua_setfield(L, -2, ls(name));
    }
    lua.lua_pop(L, 1);
}

/** Run one health check over one object, as Argo CD would. */
export function runHealthCheck(script: string, obj: unknown): HealthResult {
    const L = lauxlib.luaL_newstate();
    try {
        lauxlib.luaL_requiref(L, ls("package"), lualib.luaopen_package, 1);
        lua.lua_pop(L, 1);
        lauxlib.luaL_requiref(L, ls("_G"), lualib.luaopen_base, 1);
        lua.lua_pop(L, 1);
        lauxlib.luaL_requiref(L, ls("table"), lualib.luaopen_table, 1);
        lua.lua_pop(L, 1);
        openSafeOs(L);
        push(L, obj);
        lua.lua_setglobal(L, ls("obj"));
        if (lauxlib.luaL_loadstring(L, ls(script)) !== lua.LUA_OK) {
            throw new HealthCheckError(`syntax error: ${lua.lua_tojsstring(L, -1)}`);
        }
        if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
            throw new HealthCheckError(`runtime error: ${lua.lua_tojsstring(L, -1)}`);
        }
        if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) throw new HealthCheckError("the check must return a table");
        const field = (name: string): string | undefined => {
            const t = lua.lua_getfield(L, -1, ls(name));
            try {
                if (t === lua.LUA_TNIL) return undefined;
                if (t !== lua.LUA_TSTRING) throw new HealthCheckError(`health ${name} must be a string`);
                return lua.lua_tojsstring(L, -1);
            } finally {
                lua.lua_pop(L, 1);
            }
        };
        const status = field("status");
        const message = field("message") ?? "";
        return { status: (status !== undefined && valid.includes(status) ? status : "Unknown") as HealthStatus, message };
    } finally {
        lua.lua_close(L);
    }
}
