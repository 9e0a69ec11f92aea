import type { DataSource } from 'typeorm';
import type { Customer, CustomerChanges, CustomerRepository, NewCustomer } from '../domain/customer';

const columns = `id, name, email, status, shipping_address, created_at`;

interface Row {
  id: string;
  name: string;
  email: string;
  status: 'ACTIVE' | 'INACTIVE';
  shipping_address: Customer['shippingAddress'];
  created_at: Date;
}

const toCustomer = (row: Row): Customer => ({
  customerId: row.id,
  name: row.name,
  email: row.email,
  status: row.status,
  shippingAddress: row.shipping_address,
  createdAt: row.created_at.toISOString(),
});

export function createCustomerRepository(db: DataSource): CustomerRepository {
  return {
    async findMany(ids) {
      const rows: Row[] = await db.query(`SELECT ${columns} FROM customers WHERE id = ANY($1::uuid[])`, [ids]);
      return rows.map(toCustomer);
    },

    async insert(customer: NewCustomer & { customerId: string }) {
      const rows: Row[] = await db.query(
        `INSERT INTO customers (id, name, email, shipping_address) VALUES ($1, $2, $3, $4)
         ON CONFLICT ((lower(email))) DO NOTHING RETURNING ${columns}`,
        [customer.customerId, customer.name, customer.email, customer.shippingAddress ? JSON.stringify(customer.shippingAddress) : null],
      );
      return rows[0] && toCustomer(rows[0]);
    },

    async update(changes: CustomerChanges) {
      const address = changes.shippingAddress ? JSON.stringify(changes.shippingAddress) : null;
      const [rows]: [Row[], number] = await db.query(
        `UPDATE customers SET
           name = COALESCE($2, name),
           status = COALESCE($3, status),
           shipping_address = CASE WHEN $4::boolean THEN $5::jsonb ELSE shipping_address END,
           updated_at = now()
         WHERE id = $1 RETURNING ${columns}`,
        [changes.customerId, changes.name ?? null, changes.status ?? null, changes.shippingAddress !== undefined, address],
      );
      return rows[0] && toCustomer(rows[0]);
    },
  };
}
