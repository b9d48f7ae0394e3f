/** What verify_backup lets the mariadb client run from a dump: only what stays in the scratch schema. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { completion, escapeIn, isDumpHead } from '../../src/engines/mysql/backups/file.js';

const STAYS = [
  'DROP TABLE IF EXISTS `t`;',
  'CREATE TABLE `t` (',
  '  CONSTRAINT `fk` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`)',
  'LOCK TABLES `t` WRITE;',
  '/*!40000 ALTER TABLE `t` DISABLE KEYS */;',
  "INSERT INTO `t` VALUES (1,'drop table a.b; INSERT INTO x.y'),(2,'USE shop'),(3,'CREATE DATABASE z');",
  '/*!50001 VIEW `v` AS select `t`.`id` AS `id` from `t` join `u` on(`t`.`id` = `u`.`id`) where `t`.`id` > 1 */;',
  '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`127.0.0.1`*/ /*!50003 TRIGGER `tr` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.id = NEW.id */;;',
  '/*M!999999\\- enable the sandbox mode */ ',
];

const LEAVES = [
  'USE `shop`;',
  'CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;',
  'DROP DATABASE shop;',
  '/*!50003 trigger shop.tr before insert on shop.t for each row set new.id = new.id',
  'INSERT INTO `shop`.`t` VALUES (1);',
  '  UPDATE shop.audit SET n = n + 1;',
  'DROP TABLE IF EXISTS `shop`.`t`;',
  'CREATE TABLE shop.t (id int);',
  'DELETE FROM `shop` . `t`;',
  '/*!50001 CREATE VIEW `shop`.`v` AS SELECT 1 */;',
];

describe('mariadb-dump files', () => {
  it.each(STAYS)('restores a line that stays in the schema: %s', (line) => expect(escapeIn(line)).toBeUndefined());
  it.each(LEAVES)('refuses a line that would write elsewhere: %s', (line) => expect(escapeIn(line)).toBeDefined());

  it('recognizes MariaDB and MySQL dump headers, with or without the sandbox line', () => {
    expect(
      isDumpHead(
        Buffer.from('/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB'),
      ),
    ).toBe(true);
    expect(isDumpHead(Buffer.from('-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)'))).toBe(true);
    expect(isDumpHead(Buffer.from('SELECT 1;'))).toBe(false);
  });

  it('knows a complete dump by its last line, whatever the hour (mysqldump pads it with a space)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dba-mcp-dump-'));
    const file = path.join(dir, 'd.sql');
    const body = '-- MariaDB dump 10.19\nCREATE TABLE `t` (id int);\n';
    for (const [ending, complete] of [
      ['-- Dump completed on 2026-11-25  0:03:02\n', true],
      ['-- Dump completed on 2026-11-24 23:41:07\n', true],
      ['-- Dump completed\n', true],
      ['INSERT INTO `t` VALUES (1', false],
    ] as const) {
      fs.writeFileSync(file, body + ending);
      expect(completion(file).ok, ending).toBe(complete);
    }
    expect(completion(file).message).toContain('cut short');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
